-- requires: 0002_items 0010_production_lifecycle
-- Finished goods: a process names what it makes (an output variant, and how much of it one
-- unit of the process yields); a lot records what it actually yielded when that differs,
-- with the reason (yield loss), and the unit cost its output went into stock at.

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: processes is a small table (one row per process definition): the checks scan it in a moment
ALTER TABLE public.processes
    ADD COLUMN output_variant_id integer REFERENCES public.item_variant (variant_id) ON DELETE RESTRICT,
    ADD COLUMN output_quantity numeric(12,3) NOT NULL DEFAULT 1,
    ADD CONSTRAINT processes_output_quantity_check CHECK (output_quantity > 0);

-- mtc:allow INDEX_WITHOUT_CONCURRENTLY: processes is a small table: the index is built in a moment
CREATE INDEX idx_processes_output_variant ON public.processes (output_variant_id);

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: production_lots holds one row per lot, a small table: the check scans it in a moment
ALTER TABLE public.production_lots
    ADD COLUMN output_quantity numeric(12,3),
    ADD COLUMN output_reason text,
    ADD COLUMN output_unit_cost numeric(18,6),
    ADD CONSTRAINT production_lots_output_quantity_check CHECK (output_quantity IS NULL OR output_quantity >= 0);
