-- requires: 0001_users 0002_items
-- Processes: a bill of materials as ordered steps (subprocesses from a reusable library),
-- each using variants in quantities. The variants of one substitute group are
-- alternatives: any one of them serves. Labour and overhead are cost items of a step.

CREATE TABLE public.processes (
    id serial PRIMARY KEY,
    name character varying(200) NOT NULL,
    description text,
    process_class character varying(50),
    status character varying(20) NOT NULL DEFAULT 'active',
    sales_price numeric(12,2),
    worst_case_cost numeric(12,2),
    created_by integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT unique_process_name UNIQUE (name),
    CONSTRAINT processes_status_check CHECK (status IN ('active', 'inactive', 'draft')),
    CONSTRAINT processes_sales_price_check CHECK (sales_price >= 0)
);
CREATE INDEX idx_processes_created_by ON public.processes (created_by);
CREATE INDEX idx_processes_status ON public.processes (status);

CREATE TRIGGER update_processes_updated_at BEFORE UPDATE ON public.processes
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.subprocesses (
    id serial PRIMARY KEY,
    name character varying(200) NOT NULL,
    description text,
    category character varying(100),
    estimated_time_minutes integer NOT NULL DEFAULT 0,
    -- What a step of this kind costs in labour, proposed when it is added to a process.
    labour_cost numeric(12,2) NOT NULL DEFAULT 0,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    deleted_at timestamp with time zone,
    CONSTRAINT unique_subprocess_name UNIQUE (name),
    CONSTRAINT subprocesses_time_check CHECK (estimated_time_minutes >= 0),
    CONSTRAINT subprocesses_labour_cost_check CHECK (labour_cost >= 0)
);
CREATE INDEX idx_subprocesses_category ON public.subprocesses (category);

CREATE TRIGGER update_subprocesses_updated_at BEFORE UPDATE ON public.subprocesses
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.process_subprocesses (
    id serial PRIMARY KEY,
    process_id integer NOT NULL REFERENCES public.processes (id) ON DELETE CASCADE,
    subprocess_id integer NOT NULL REFERENCES public.subprocesses (id) ON DELETE RESTRICT,
    sequence_order integer NOT NULL,
    custom_name character varying(200),
    notes text,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT unique_process_subprocess UNIQUE (process_id, subprocess_id, sequence_order)
);
CREATE INDEX idx_process_subprocesses_sequence ON public.process_subprocesses (process_id, sequence_order);
CREATE INDEX idx_process_subprocesses_subprocess ON public.process_subprocesses (subprocess_id);

CREATE TRIGGER update_process_subprocesses_updated_at BEFORE UPDATE ON public.process_subprocesses
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.substitute_groups (
    id serial PRIMARY KEY,
    process_subprocess_id integer NOT NULL REFERENCES public.process_subprocesses (id) ON DELETE CASCADE,
    group_name character varying(255) NOT NULL,
    group_description text,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    deleted_at timestamp with time zone
);
CREATE INDEX idx_substitute_groups_subprocess ON public.substitute_groups (process_subprocess_id);
CREATE INDEX idx_substitute_groups_active ON public.substitute_groups (process_subprocess_id) WHERE deleted_at IS NULL;

CREATE TRIGGER update_substitute_groups_updated_at BEFORE UPDATE ON public.substitute_groups
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.variant_usage (
    id serial PRIMARY KEY,
    process_subprocess_id integer NOT NULL REFERENCES public.process_subprocesses (id) ON DELETE CASCADE,
    variant_id integer NOT NULL REFERENCES public.item_variant (variant_id) ON DELETE RESTRICT,
    quantity numeric(12,4) NOT NULL,
    -- Set when this line is one of a group's alternatives.
    substitute_group_id integer REFERENCES public.substitute_groups (id) ON DELETE CASCADE,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT variant_usage_quantity_check CHECK (quantity > 0)
);
CREATE INDEX idx_variant_usage_group ON public.variant_usage (substitute_group_id);
CREATE INDEX idx_variant_usage_subprocess ON public.variant_usage (process_subprocess_id);
CREATE INDEX idx_variant_usage_variant ON public.variant_usage (variant_id);

CREATE TRIGGER update_variant_usage_updated_at BEFORE UPDATE ON public.variant_usage
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

-- Labour, overhead and the like of one step: quantity × rate.
CREATE TABLE public.cost_items (
    id serial PRIMARY KEY,
    process_subprocess_id integer NOT NULL REFERENCES public.process_subprocesses (id) ON DELETE CASCADE,
    cost_type character varying(50) NOT NULL,
    description text,
    quantity numeric(12,3) NOT NULL DEFAULT 1,
    unit character varying(20),
    rate numeric(12,2) NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT cost_items_cost_type_check CHECK (cost_type IN ('labour', 'overhead', 'electricity', 'maintenance', 'service', 'packing', 'transport', 'other')),
    CONSTRAINT cost_items_quantity_check CHECK (quantity >= 0),
    CONSTRAINT cost_items_rate_check CHECK (rate >= 0)
);
CREATE INDEX idx_cost_items_subprocess ON public.cost_items (process_subprocess_id);

CREATE TRIGGER update_cost_items_updated_at BEFORE UPDATE ON public.cost_items
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

-- Costs of a whole process run that belong to no step (tooling, freight).
CREATE TABLE public.additional_costs (
    id serial PRIMARY KEY,
    process_id integer NOT NULL REFERENCES public.processes (id) ON DELETE CASCADE,
    cost_type character varying(50) NOT NULL,
    description text,
    amount numeric(12,2) NOT NULL,
    is_fixed boolean NOT NULL DEFAULT true,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT additional_costs_amount_check CHECK (amount >= 0)
);
CREATE INDEX idx_additional_costs_process ON public.additional_costs (process_id);

CREATE TRIGGER update_additional_costs_updated_at BEFORE UPDATE ON public.additional_costs
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
