-- requires: 0009_item_search 0023_trigram_extension
-- A trigram index on the items' stored folded search text (0009), where pg_trgm is installed
-- (0023): a search word is then looked up ("search_text LIKE '%word%'") instead of compared
-- with every item. Without pg_trgm nothing is made and search reads every item, as before.
-- Not built concurrently: whether to build at all depends on the extension, and a DO block
-- cannot build concurrently. Reads go on during the build; writes to item_master wait for it
-- (3.4 s for 400,000 items on 2 shared cores, docs/BENCHMARKS.md, bench/api).
-- mtc:allow INDEX_WITHOUT_CONCURRENTLY: a DO block cannot build concurrently, and whether to build depends on the extension (the header says so)
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS idx_item_master_search_trgm ON public.item_master USING gin (search_text public.gin_trgm_ops)';
    END IF;
END
$$;
