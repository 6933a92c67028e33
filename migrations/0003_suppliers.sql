-- requires: 0002_items
-- Suppliers and what each charges for a variant. A variant may have several rates (per
-- supplier, per period); costing takes the highest active one.

CREATE TABLE public.suppliers (
    supplier_id serial PRIMARY KEY,
    firm_name character varying(255) NOT NULL,
    address text,
    gstin character varying(15),
    email character varying(255),
    phone character varying(40),
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT suppliers_firm_name_key UNIQUE (firm_name)
);

CREATE TRIGGER update_suppliers_updated_at BEFORE UPDATE ON public.suppliers
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.variant_supplier_pricing (
    id serial PRIMARY KEY,
    supplier_id integer NOT NULL REFERENCES public.suppliers (supplier_id) ON DELETE CASCADE,
    variant_id integer NOT NULL REFERENCES public.item_variant (variant_id) ON DELETE CASCADE,
    cost_per_unit numeric(12,2) NOT NULL,
    currency character(3) NOT NULL,
    minimum_order_quantity numeric(12,3) NOT NULL DEFAULT 1,
    effective_from date NOT NULL DEFAULT CURRENT_DATE,
    effective_to date,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT variant_supplier_pricing_cost_check CHECK (cost_per_unit >= 0),
    CONSTRAINT variant_supplier_pricing_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT variant_supplier_pricing_moq_check CHECK (minimum_order_quantity > 0),
    CONSTRAINT variant_supplier_pricing_period_check CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE INDEX idx_variant_supplier_pricing_supplier ON public.variant_supplier_pricing (supplier_id);
CREATE INDEX idx_variant_supplier_pricing_variant ON public.variant_supplier_pricing (variant_id);

CREATE TRIGGER update_variant_supplier_pricing_updated_at BEFORE UPDATE ON public.variant_supplier_pricing
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
