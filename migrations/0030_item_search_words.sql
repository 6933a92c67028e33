-- requires: 0009_item_search 0024_item_search_trigram_index
-- The words of every live item's folded search text (0009: name and category), each with the
-- item's sort name, in name order: a search word found in many items (one in ten has "frame")
-- reads its first page from item_search_word's key in order, instead of reading every match
-- to sort them (40,000 of 400,000: 0.1–2 s a page). A search word is a substring of the
-- search text exactly when it is a substring of one of its words split on ' ', as a search
-- word never has a space in it; search_vocabulary lists the distinct words, so that the few
-- containing a search word are found first (by a trigram index where pg_trgm is installed).
-- Triggers keep both current; a word no item has any more stays in the vocabulary (it only
-- costs a lookup that finds nothing). Filling them takes item_master's write lock for the
-- migration (400,000 items: docs/BENCHMARKS.md, bench/api, issue 20 point 1).
CREATE TABLE public.search_vocabulary (
    word text PRIMARY KEY
);

CREATE TABLE public.item_search_word (
    word text NOT NULL,
    sort_name text NOT NULL,
    item_id integer NOT NULL REFERENCES public.item_master (item_id) ON DELETE CASCADE
);

-- New items (an import's thousands in one statement) are indexed once per statement, from its
-- transition table: a trigger per row cost 3.5 times the insert itself. Words are inserted in
-- order, so that two imports adding the same new words wait for each other, never deadlock.
CREATE FUNCTION public.item_search_words_insert() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    INSERT INTO public.search_vocabulary (word)
        SELECT DISTINCT w FROM new_items i, regexp_split_to_table(i.search_text, ' ') AS w
         WHERE i.deleted_at IS NULL AND w <> '' ORDER BY w
        ON CONFLICT DO NOTHING;
    INSERT INTO public.item_search_word (word, sort_name, item_id)
        SELECT DISTINCT w, lower(i.name), i.item_id FROM new_items i, regexp_split_to_table(i.search_text, ' ') AS w
         WHERE i.deleted_at IS NULL AND w <> '';
    RETURN NULL;
END
$$;

CREATE TRIGGER item_search_words_insert
    AFTER INSERT ON public.item_master REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION public.item_search_words_insert();

-- A change of name, category or deletion (one item at a time, from the API) re-indexes the item.
CREATE FUNCTION public.item_search_words_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    IF NEW.search_text IS NOT DISTINCT FROM OLD.search_text AND lower(NEW.name) = lower(OLD.name)
       AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL) THEN
        RETURN NULL;
    END IF;
    DELETE FROM public.item_search_word WHERE item_id = NEW.item_id;
    IF NEW.deleted_at IS NULL THEN
        INSERT INTO public.search_vocabulary (word)
            SELECT DISTINCT w FROM regexp_split_to_table(NEW.search_text, ' ') AS w WHERE w <> '' ORDER BY w
            ON CONFLICT DO NOTHING;
        INSERT INTO public.item_search_word (word, sort_name, item_id)
            SELECT DISTINCT w, lower(NEW.name), NEW.item_id FROM regexp_split_to_table(NEW.search_text, ' ') AS w WHERE w <> '';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER item_search_words_update
    AFTER UPDATE OF name, category, deleted_at ON public.item_master
    FOR EACH ROW EXECUTE FUNCTION public.item_search_words_update();

INSERT INTO public.search_vocabulary (word)
    SELECT DISTINCT w FROM public.item_master i, regexp_split_to_table(i.search_text, ' ') AS w
     WHERE i.deleted_at IS NULL AND w <> '';
INSERT INTO public.item_search_word (word, sort_name, item_id)
    SELECT DISTINCT w, lower(i.name), i.item_id FROM public.item_master i, regexp_split_to_table(i.search_text, ' ') AS w
     WHERE i.deleted_at IS NULL AND w <> '';

-- The key after the rows are in: quicker than keeping it while they go in.
ALTER TABLE public.item_search_word ADD PRIMARY KEY (word, sort_name, item_id);
CREATE INDEX idx_item_search_word_item ON public.item_search_word (item_id);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS idx_search_vocabulary_trgm ON public.search_vocabulary USING gin (word public.gin_trgm_ops)';
    END IF;
END
$$;
