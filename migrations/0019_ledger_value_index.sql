-- requires: 0017_stock_valuation
-- transaction: off
-- Stock value as of a day reads, per variant, the ledger rows up to that day (their quantity,
-- value, and which came last): this index answers it from the index alone. Built
-- concurrently: the ledger is the largest table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_inventory_transactions_variant_at
    ON public.inventory_transactions (variant_id, created_at) INCLUDE (quantity, value, id);
