-- requires: 0002_items 0003_suppliers 0016_purchasing
-- A variant's preferred supplier: reorder suggestions buy from it when it has an active rate
-- in effect, whatever the other suppliers charge. A supplier that is deleted leaves its
-- variants with no preference (rather than refusing the delete). The column is new and NULL
-- everywhere, so checking the key finds nothing to refuse; it is added NOT VALID and validated
-- at once all the same. Its index is built concurrently by 0021_preferred_supplier_index.

ALTER TABLE public.item_variant ADD COLUMN preferred_supplier_id integer;

ALTER TABLE public.item_variant ADD CONSTRAINT item_variant_preferred_supplier_id_fkey
    FOREIGN KEY (preferred_supplier_id) REFERENCES public.suppliers (supplier_id) ON DELETE SET NULL NOT VALID;

ALTER TABLE public.item_variant VALIDATE CONSTRAINT item_variant_preferred_supplier_id_fkey;
