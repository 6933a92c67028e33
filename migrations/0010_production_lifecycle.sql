-- requires: 0001_users 0004_processes 0005_production_lots
-- Processes and lots as issue 6 runs them.
-- Processes: status is draft, active or archived (the old "inactive" is archived), new ones
-- start as drafts, and a process is soft-deleted so that the lots that ran it keep it; a
-- name is unique among live processes, whatever its case. processes.worst_case_cost is the
-- old application's cached figure and MTC does not read it: costs are computed on request.
-- Lots: a quantity of at most 1,000,000; money wide enough for that quantity; the costing
-- frozen at creation (worst and best case, and its breakdown) and taken again at completion
-- (the actual cost and its variance against the worst-case estimate); every change of
-- status is an event with who, when and why.

ALTER TABLE public.processes DROP CONSTRAINT processes_status_check;

UPDATE public.processes SET status = 'archived' WHERE status = 'inactive';

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: processes is a small table (one row per process definition): the check scans it in a moment
ALTER TABLE public.processes
    ADD CONSTRAINT processes_status_check CHECK (status IN ('draft', 'active', 'archived')),
    ALTER COLUMN status SET DEFAULT 'draft',
    ADD COLUMN deleted_at timestamp with time zone,
    DROP CONSTRAINT unique_process_name;

-- mtc:allow INDEX_WITHOUT_CONCURRENTLY: processes is a small table: the index is built in a moment
CREATE UNIQUE INDEX idx_processes_live_name ON public.processes (lower(name)) WHERE deleted_at IS NULL;

-- mtc:allow TABLE_REWRITE: numeric(12,2) to numeric(16,2) only widens the precision, which is binary-compatible: PostgreSQL rewrites nothing (the lint cannot know the old type)
-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: production_lots holds one row per lot, a small table: the check scans it in a moment
ALTER TABLE public.production_lots
    ALTER COLUMN worst_case_estimated_cost TYPE numeric(16,2),
    ALTER COLUMN actual_cost TYPE numeric(16,2),
    ADD COLUMN best_case_estimated_cost numeric(16,2),
    ADD COLUMN estimate jsonb,
    ADD COLUMN actual jsonb,
    ADD COLUMN cost_variance numeric(16,2),
    ADD COLUMN status_reason text,
    ADD CONSTRAINT production_lots_quantity_max CHECK (quantity <= 1000000);

CREATE TABLE public.production_lot_events (
    id bigserial PRIMARY KEY,
    lot_id integer NOT NULL REFERENCES public.production_lots (id) ON DELETE CASCADE,
    from_status character varying(20),
    to_status character varying(20) NOT NULL,
    reason text,
    user_id integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT production_lot_events_from_status_check CHECK (from_status IN ('planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled')),
    CONSTRAINT production_lot_events_to_status_check CHECK (to_status IN ('planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX idx_production_lot_events_lot ON public.production_lot_events (lot_id);
CREATE INDEX idx_production_lot_events_user ON public.production_lot_events (user_id);
CREATE INDEX idx_production_lot_events_created_at ON public.production_lot_events (created_at);
