-- requires: 0001_users 0002_items 0003_suppliers
-- Purchasing: orders to a supplier and the goods received. An order is numbered as lots are
-- (PO-YYYYMMDD-NNNNNN, from a sequence: two orders made at once never share a number) and
-- moves draft → sent → partially_received → received → closed, or to cancelled; its lines
-- change only while it is a draft. A line's received quantity is kept by the receipts, in
-- their transaction. A goods receipt (GR-YYYYMMDD-NNNNNN) is against an order or on its own,
-- with the bill's number, tax, discount and grand total as the old stock_receipts kept them;
-- it is never edited: a mistake is corrected by a receipt that reverses it.
-- Amounts are NUMERIC and stored as entered: totals are computed exactly and rounded only
-- when shown.

CREATE SEQUENCE public.purchase_order_number_seq AS bigint;

CREATE FUNCTION public.next_purchase_order_number() RETURNS character varying
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
SELECT 'PO-' || to_char(now(), 'YYYYMMDD') || '-' || lpad(n::text, greatest(6, length(n::text)), '0')
FROM (SELECT nextval('public.purchase_order_number_seq'::regclass) AS n) AS next
$$;

CREATE TABLE public.purchase_orders (
    id serial PRIMARY KEY,
    po_number character varying(50) NOT NULL DEFAULT public.next_purchase_order_number(),
    supplier_id integer NOT NULL REFERENCES public.suppliers (supplier_id) ON DELETE RESTRICT,
    status character varying(20) NOT NULL DEFAULT 'draft',
    status_reason text,
    order_date date NOT NULL DEFAULT CURRENT_DATE,
    expected_on date,
    currency character(3) NOT NULL DEFAULT 'INR',
    notes text,
    created_by integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    sent_at timestamp with time zone,
    closed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT purchase_orders_po_number_key UNIQUE (po_number),
    CONSTRAINT purchase_orders_status_check CHECK (status IN ('draft', 'sent', 'partially_received', 'received', 'closed', 'cancelled')),
    CONSTRAINT purchase_orders_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT purchase_orders_expected_check CHECK (expected_on IS NULL OR expected_on >= order_date)
);
CREATE INDEX idx_purchase_orders_supplier ON public.purchase_orders (supplier_id);
CREATE INDEX idx_purchase_orders_status ON public.purchase_orders (status);
CREATE INDEX idx_purchase_orders_created_by ON public.purchase_orders (created_by);

CREATE TRIGGER update_purchase_orders_updated_at BEFORE UPDATE ON public.purchase_orders
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.purchase_order_lines (
    id serial PRIMARY KEY,
    po_id integer NOT NULL REFERENCES public.purchase_orders (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    variant_id integer NOT NULL REFERENCES public.item_variant (variant_id) ON DELETE RESTRICT,
    quantity numeric(12,3) NOT NULL,
    unit_price numeric(14,4) NOT NULL,
    tax_rate numeric(5,2) NOT NULL DEFAULT 0,
    discount_rate numeric(5,2) NOT NULL DEFAULT 0,
    received_quantity numeric(12,3) NOT NULL DEFAULT 0,
    notes text,
    CONSTRAINT purchase_order_lines_line_no_key UNIQUE (po_id, line_no),
    CONSTRAINT purchase_order_lines_quantity_check CHECK (quantity > 0),
    CONSTRAINT purchase_order_lines_unit_price_check CHECK (unit_price >= 0),
    CONSTRAINT purchase_order_lines_tax_rate_check CHECK (tax_rate >= 0 AND tax_rate <= 100),
    CONSTRAINT purchase_order_lines_discount_rate_check CHECK (discount_rate >= 0 AND discount_rate <= 100),
    CONSTRAINT purchase_order_lines_received_check CHECK (received_quantity >= 0)
);
CREATE INDEX idx_purchase_order_lines_variant ON public.purchase_order_lines (variant_id);

CREATE SEQUENCE public.goods_receipt_number_seq AS bigint;

CREATE FUNCTION public.next_goods_receipt_number() RETURNS character varying
    LANGUAGE sql
    SET search_path TO 'pg_catalog'
    AS $$
SELECT 'GR-' || to_char(now(), 'YYYYMMDD') || '-' || lpad(n::text, greatest(6, length(n::text)), '0')
FROM (SELECT nextval('public.goods_receipt_number_seq'::regclass) AS n) AS next
$$;

CREATE TABLE public.goods_receipts (
    id serial PRIMARY KEY,
    receipt_number character varying(50) NOT NULL DEFAULT public.next_goods_receipt_number(),
    supplier_id integer NOT NULL REFERENCES public.suppliers (supplier_id) ON DELETE RESTRICT,
    po_id integer REFERENCES public.purchase_orders (id) ON DELETE RESTRICT,
    bill_number character varying(255),
    received_on date NOT NULL DEFAULT CURRENT_DATE,
    tax_percentage numeric(5,2) NOT NULL DEFAULT 0,
    discount_percentage numeric(5,2) NOT NULL DEFAULT 0,
    discount_amount numeric(14,2) NOT NULL DEFAULT 0,
    -- The bill's figures as the supplier wrote them: the lines' total before tax and discount, and what is payable.
    total_amount numeric(16,4) NOT NULL DEFAULT 0,
    grand_total numeric(16,4) NOT NULL DEFAULT 0,
    -- A reversing receipt names the one it reverses (each is reversed at most once) and says why.
    reverses_receipt_id integer REFERENCES public.goods_receipts (id) ON DELETE RESTRICT,
    reason text,
    notes text,
    created_by integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT goods_receipts_receipt_number_key UNIQUE (receipt_number),
    CONSTRAINT goods_receipts_reverses_once UNIQUE (reverses_receipt_id),
    CONSTRAINT goods_receipts_tax_check CHECK (tax_percentage >= 0 AND tax_percentage <= 100),
    CONSTRAINT goods_receipts_discount_check CHECK (discount_percentage >= 0 AND discount_percentage <= 100 AND discount_amount >= 0),
    CONSTRAINT goods_receipts_reversal_reason CHECK (reverses_receipt_id IS NULL OR reason IS NOT NULL)
);
CREATE INDEX idx_goods_receipts_supplier ON public.goods_receipts (supplier_id);
CREATE INDEX idx_goods_receipts_po ON public.goods_receipts (po_id);
CREATE INDEX idx_goods_receipts_created_by ON public.goods_receipts (created_by);

CREATE TABLE public.goods_receipt_lines (
    id serial PRIMARY KEY,
    receipt_id integer NOT NULL REFERENCES public.goods_receipts (id) ON DELETE RESTRICT,
    po_line_id integer REFERENCES public.purchase_order_lines (id) ON DELETE RESTRICT,
    variant_id integer NOT NULL REFERENCES public.item_variant (variant_id) ON DELETE RESTRICT,
    -- Negative in a reversing receipt.
    quantity numeric(12,3) NOT NULL,
    -- Exact: a price less a discount (14.25 less 2.5% is 13.89375) is kept as it is, as the ledger keeps it.
    unit_cost numeric NOT NULL,
    -- Why more than the order's line was received; required by the app when it is.
    over_receipt_reason text,
    CONSTRAINT goods_receipt_lines_quantity_check CHECK (quantity <> 0),
    CONSTRAINT goods_receipt_lines_unit_cost_check CHECK (unit_cost >= 0)
);
CREATE INDEX idx_goods_receipt_lines_receipt ON public.goods_receipt_lines (receipt_id);
CREATE INDEX idx_goods_receipt_lines_po_line ON public.goods_receipt_lines (po_line_id);
CREATE INDEX idx_goods_receipt_lines_variant ON public.goods_receipt_lines (variant_id);

-- A receipt is a record of what came in: never changed or removed once made.
CREATE FUNCTION public.refuse_receipt_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
BEGIN
    RAISE EXCEPTION 'a goods receipt is never changed: record a reversing receipt instead'
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER goods_receipts_never_change BEFORE UPDATE OR DELETE ON public.goods_receipts
    FOR EACH ROW EXECUTE FUNCTION public.refuse_receipt_change();
CREATE TRIGGER goods_receipt_lines_never_change BEFORE UPDATE OR DELETE ON public.goods_receipt_lines
    FOR EACH ROW EXECUTE FUNCTION public.refuse_receipt_change();
