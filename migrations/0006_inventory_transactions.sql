-- requires: 0001_users 0002_items 0005_production_lots
-- The stock ledger: every change to a variant's stock is one row, never updated. A
-- positive quantity comes in (opening, receipt), a negative one goes out (issue,
-- production); an adjustment is either.

CREATE TABLE public.inventory_transactions (
    id bigserial PRIMARY KEY,
    variant_id integer NOT NULL REFERENCES public.item_variant (variant_id) ON DELETE RESTRICT,
    production_lot_id integer REFERENCES public.production_lots (id) ON DELETE SET NULL,
    transaction_type character varying(20) NOT NULL,
    quantity numeric(12,3) NOT NULL,
    unit character varying(20),
    reference_type character varying(50),
    reference_id integer,
    notes text,
    created_by integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT inventory_transactions_transaction_type_check CHECK (transaction_type IN ('opening', 'receipt', 'issue', 'production', 'adjustment'))
);
CREATE INDEX idx_inventory_transactions_variant ON public.inventory_transactions (variant_id);
CREATE INDEX idx_inventory_transactions_lot ON public.inventory_transactions (production_lot_id);
CREATE INDEX idx_inventory_transactions_created_by ON public.inventory_transactions (created_by);
CREATE INDEX idx_inventory_transactions_created_at ON public.inventory_transactions (created_at);
