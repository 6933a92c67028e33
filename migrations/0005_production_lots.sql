-- requires: 0001_users 0002_items 0004_processes
-- Production lots: one run of a process. The lot number comes from a sequence through a
-- function that names everything with its schema and pins its search_path, so it neither
-- collides under concurrent inserts nor depends on the caller's search_path.

CREATE SEQUENCE public.production_lot_number_seq AS bigint;

CREATE FUNCTION public.next_lot_number() RETURNS character varying
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
SELECT 'LOT-' || to_char(now(), 'YYYYMMDD') || '-' || lpad(n::text, greatest(6, length(n::text)), '0')
FROM (SELECT nextval('public.production_lot_number_seq'::regclass) AS n) AS next
$$;

CREATE TABLE public.production_lots (
    id serial PRIMARY KEY,
    lot_number character varying(50) NOT NULL DEFAULT public.next_lot_number(),
    process_id integer NOT NULL REFERENCES public.processes (id) ON DELETE RESTRICT,
    quantity integer NOT NULL,
    status character varying(20) NOT NULL DEFAULT 'planning',
    worst_case_estimated_cost numeric(12,2),
    actual_cost numeric(12,2),
    notes text,
    created_by integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT unique_lot_number UNIQUE (lot_number),
    CONSTRAINT production_lots_quantity_check CHECK (quantity > 0),
    CONSTRAINT production_lots_status_check CHECK (status IN ('planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX idx_production_lots_status ON public.production_lots (status);
CREATE INDEX idx_production_lots_process ON public.production_lots (process_id);
CREATE INDEX idx_production_lots_created_by ON public.production_lots (created_by);

CREATE TRIGGER update_production_lots_updated_at BEFORE UPDATE ON public.production_lots
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

-- The variant chosen for each substitute group of the lot's process: one per group.
CREATE TABLE public.production_lot_selections (
    id serial PRIMARY KEY,
    lot_id integer NOT NULL REFERENCES public.production_lots (id) ON DELETE CASCADE,
    substitute_group_id integer NOT NULL REFERENCES public.substitute_groups (id) ON DELETE RESTRICT,
    variant_id integer NOT NULL REFERENCES public.item_variant (variant_id) ON DELETE RESTRICT,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT production_lot_selections_one_per_group UNIQUE (lot_id, substitute_group_id)
);
CREATE INDEX idx_production_lot_selections_group ON public.production_lot_selections (substitute_group_id);
CREATE INDEX idx_production_lot_selections_variant ON public.production_lot_selections (variant_id);
