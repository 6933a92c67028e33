-- requires: 0020_preferred_supplier
-- transaction: off
-- The index of item_variant.preferred_supplier_id (every foreign key has one that starts with
-- its columns: a supplier's delete clears its variants' preference through it, not by reading
-- every variant). Built concurrently, apart from 0020: item_variant is a large table, and
-- writes to it must not wait for the build.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_item_variant_preferred_supplier
    ON public.item_variant (preferred_supplier_id);
