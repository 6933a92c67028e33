-- requires: 0002_items 0006_inventory_transactions 0016_purchasing
-- What stock is worth, by moving weighted average, kept exact: each variant holds the value
-- of its stock (stock_value, NUMERIC without a fixed scale), and each ledger row the cost it
-- moved at and the change of value it made (value, signed). A receipt adds quantity × price
-- paid; whatever goes out takes its share of the value at the moment (stock_value × quantity
-- ÷ stock, to a millionth; the last unit out takes what is left, so no residue remains), so
-- the average cost is stock_value ÷ stock and a variant's value on any day is the sum of its
-- rows' values up to that day. Stock from before has no cost (stock_value NULL): the first
-- receipt at a price values it at that price (a `revaluation` row says so), or a person gives
-- it one. Finished goods come into stock as `output` rows at the lot's actual unit cost.

ALTER TABLE public.inventory_transactions
    DROP CONSTRAINT inventory_transactions_transaction_type_check,
    ADD COLUMN unit_cost numeric,
    ADD COLUMN value numeric,
    ADD CONSTRAINT inventory_transactions_transaction_type_check
        CHECK (transaction_type IN ('opening', 'receipt', 'issue', 'production', 'adjustment', 'output', 'revaluation')) NOT VALID;

ALTER TABLE public.inventory_transactions VALIDATE CONSTRAINT inventory_transactions_transaction_type_check;

ALTER TABLE public.item_variant
    ADD COLUMN stock_value numeric;
