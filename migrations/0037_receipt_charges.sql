-- requires: 0001_users 0016_purchasing 0017_stock_valuation
-- Landed costs: what a receipt's goods cost to bring in besides their price (freight, duty,
-- other charges), spread onto its lines by quantity, by value or by hand, so each line's unit
-- cost in the ledger (and the moving average) includes its share. A charge is on the receipt
-- when it is posted, or arrives later (a freight bill) and is added to the posted receipt as
-- its own entry: the receipt itself is never changed. A charge added later enters the stock
-- ledger as `landed_cost` rows: no quantity, only value, placed where the receipt's rows are,
-- so the goods consumed since carry their share too.

CREATE TABLE public.goods_receipt_charges (
    id serial PRIMARY KEY,
    receipt_id integer NOT NULL REFERENCES public.goods_receipts (id) ON DELETE RESTRICT,
    kind character varying(20) NOT NULL,
    description text,
    -- the charge as billed, exact; spread onto the lines in goods_receipt_charge_lines
    amount numeric(16,4) NOT NULL,
    spread character varying(10) NOT NULL,
    -- true for a charge added to a receipt already posted (its own entry, e.g. a freight bill)
    added_later boolean NOT NULL DEFAULT false,
    bill_number character varying(255),
    charged_on date NOT NULL DEFAULT CURRENT_DATE,
    created_by integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT goods_receipt_charges_kind_check CHECK (kind IN ('freight', 'duty', 'other')),
    CONSTRAINT goods_receipt_charges_spread_check CHECK (spread IN ('quantity', 'value', 'manual')),
    CONSTRAINT goods_receipt_charges_amount_check CHECK (amount <> 0)
);
CREATE INDEX idx_goods_receipt_charges_receipt ON public.goods_receipt_charges (receipt_id);
CREATE INDEX idx_goods_receipt_charges_created_by ON public.goods_receipt_charges (created_by);

-- Each charge's share of each line it is spread onto (the shares add up to the charge).
CREATE TABLE public.goods_receipt_charge_lines (
    charge_id integer NOT NULL REFERENCES public.goods_receipt_charges (id) ON DELETE RESTRICT,
    receipt_line_id integer NOT NULL REFERENCES public.goods_receipt_lines (id) ON DELETE RESTRICT,
    amount numeric NOT NULL,
    PRIMARY KEY (charge_id, receipt_line_id)
);
CREATE INDEX idx_goods_receipt_charge_lines_line ON public.goods_receipt_charge_lines (receipt_line_id);

-- A charge, like a receipt, is a record: never changed or removed once made.
CREATE TRIGGER goods_receipt_charges_never_change BEFORE UPDATE OR DELETE ON public.goods_receipt_charges
    FOR EACH ROW EXECUTE FUNCTION public.refuse_receipt_change();
CREATE TRIGGER goods_receipt_charge_lines_never_change BEFORE UPDATE OR DELETE ON public.goods_receipt_charge_lines
    FOR EACH ROW EXECUTE FUNCTION public.refuse_receipt_change();

-- The ledger's kinds of row gain `landed_cost` (a value-only row of a charge added later).
ALTER TABLE public.inventory_transactions
    DROP CONSTRAINT inventory_transactions_transaction_type_check,
    ADD CONSTRAINT inventory_transactions_transaction_type_check
        CHECK (transaction_type IN ('opening', 'receipt', 'issue', 'production', 'adjustment', 'output', 'revaluation', 'landed_cost')) NOT VALID;

ALTER TABLE public.inventory_transactions VALIDATE CONSTRAINT inventory_transactions_transaction_type_check;
