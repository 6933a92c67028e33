-- requires: 0001_users
-- The item master and its variants. Master names (colour, size, model, variation) are
-- unique whatever their case: "Black" and "BLACK" are one colour.

CREATE TABLE public.color_master (
    color_id serial PRIMARY KEY,
    color_name character varying(100) NOT NULL
);
CREATE UNIQUE INDEX color_master_name_key ON public.color_master (lower(color_name));

CREATE TABLE public.size_master (
    size_id serial PRIMARY KEY,
    size_name character varying(100) NOT NULL
);
CREATE UNIQUE INDEX size_master_name_key ON public.size_master (lower(size_name));

CREATE TABLE public.model_master (
    model_id serial PRIMARY KEY,
    model_name character varying(255) NOT NULL
);
CREATE UNIQUE INDEX model_master_name_key ON public.model_master (lower(model_name));

CREATE TABLE public.variation_master (
    variation_id serial PRIMARY KEY,
    variation_name character varying(255) NOT NULL
);
CREATE UNIQUE INDEX variation_master_name_key ON public.variation_master (lower(variation_name));

CREATE TABLE public.item_master (
    item_id serial PRIMARY KEY,
    name character varying(255) NOT NULL,
    description text,
    category character varying(100),
    image_path character varying(255),
    model_id integer REFERENCES public.model_master (model_id) ON DELETE RESTRICT,
    variation_id integer REFERENCES public.variation_master (variation_id) ON DELETE RESTRICT,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    deleted_at timestamp with time zone
);
CREATE INDEX idx_item_master_category ON public.item_master (category);
CREATE INDEX idx_item_master_model ON public.item_master (model_id);
CREATE INDEX idx_item_master_variation ON public.item_master (variation_id);
-- Soft delete: a deleted item frees its name.
CREATE UNIQUE INDEX idx_item_master_unique ON public.item_master (name, model_id, variation_id, COALESCE(description, ''))
    WHERE deleted_at IS NULL;

CREATE TRIGGER update_item_master_updated_at BEFORE UPDATE ON public.item_master
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.item_variant (
    variant_id serial PRIMARY KEY,
    item_id integer NOT NULL REFERENCES public.item_master (item_id) ON DELETE RESTRICT,
    color_id integer NOT NULL REFERENCES public.color_master (color_id) ON DELETE RESTRICT,
    size_id integer NOT NULL REFERENCES public.size_master (size_id) ON DELETE RESTRICT,
    unit character varying(50) NOT NULL DEFAULT 'pcs',
    -- On hand now; every change is a row of inventory_transactions.
    stock numeric(12,3) NOT NULL DEFAULT 0,
    reorder_threshold numeric(12,3) NOT NULL DEFAULT 0,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    deleted_at timestamp with time zone,
    CONSTRAINT item_variant_reorder_threshold_check CHECK (reorder_threshold >= 0)
);
CREATE INDEX idx_item_variant_color ON public.item_variant (color_id);
CREATE INDEX idx_item_variant_size ON public.item_variant (size_id);
CREATE UNIQUE INDEX idx_item_variant_unique_combo ON public.item_variant (item_id, color_id, size_id)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_item_variant_item_id ON public.item_variant (item_id);

CREATE TRIGGER update_item_variant_updated_at BEFORE UPDATE ON public.item_variant
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
