-- requires: 0002_items
-- transaction: off
-- An import names items by name whatever its case (the rule of idx_item_master_unique, less
-- the case): without an index on lower(name), each batch of an import read all of
-- item_master to find its items, so a million-variant import read the table 500 times.
-- CONCURRENTLY: a database in use keeps taking writes to item_master while it is built. A
-- concurrent build that fails leaves an invalid index behind; the DROP clears it, so running
-- the migration again builds it afresh.
DROP INDEX CONCURRENTLY IF EXISTS public.idx_item_master_lower_name;
CREATE INDEX CONCURRENTLY idx_item_master_lower_name ON public.item_master (lower(name)) WHERE deleted_at IS NULL;
