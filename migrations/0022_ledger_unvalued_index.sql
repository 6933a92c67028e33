-- requires: 0017_stock_valuation
-- transaction: off
-- The ledger rows that moved stock without a value (opening balances from before MTC kept
-- costs, stock issued while it had none): the total of stock value on a day asks only the
-- variants with such a row up to the day whether their stock has a cost, when they are few,
-- instead of testing every variant in its pass over the whole ledger. Partial: rows with a
-- value, most of the ledger, are not in it. Built concurrently: the ledger is the largest table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_inventory_transactions_unvalued
    ON public.inventory_transactions (variant_id, created_at) INCLUDE (id)
    WHERE value IS NULL AND quantity <> 0;
