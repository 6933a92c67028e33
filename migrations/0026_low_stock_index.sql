-- requires: 0002_items
-- transaction: off
-- Low stock (GET /api/stock/low) is the live variants of live items at or below their reorder
-- threshold, the furthest below first. The first index holds only those variants, in that
-- order, with what the page needs to reach their items (an index-only scan): a page reads its
-- rows and the ties of its last deficit, where it sorted every low variant. The second holds
-- the deleted items (few), so that counting the low variants of live items tests each
-- variant's item in memory instead of reading it.
-- What it costs a write: stock is now in an index, so a change of stock is never a HOT update
-- of item_variant: each one also writes an entry in every index of the table (seven); a
-- variant that goes low (or back) moves in and out of the first. An item's deletion or
-- restoration writes the second (deleted_at is already in an index's predicate: no HOT lost).
-- Built concurrently: variants and items are written while they build.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_item_variant_low_stock
    ON public.item_variant ((stock - reorder_threshold), variant_id) INCLUDE (item_id, stock, reorder_threshold)
    WHERE deleted_at IS NULL AND reorder_threshold > 0 AND stock <= reorder_threshold;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_item_master_deleted
    ON public.item_master (item_id)
    WHERE deleted_at IS NOT NULL;
