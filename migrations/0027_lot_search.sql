-- requires: 0005_production_lots 0023_trigram_extension
-- Lot search (GET /api/lots?q=) finds a part of "lot number, process name, notes" in any
-- case. That text spans two tables, so it is kept, lowered, in a table of its own, one row a
-- lot, with a trigram index where pg_trgm is installed (0023): a search is then looked up
-- instead of compared with every lot. Kept by triggers, so every writer keeps it: a lot's
-- insert or a change of its number, process or notes rewrites its row; a process renamed
-- rewrites its lots' rows (one row each; renames are rare). Not a column of
-- production_lots: rewriting it there would move the lots' updated_at.
-- What it costs a write: a lot's creation (and a change of its notes) writes one more row,
-- its key and a trigram index entry (GIN's pending list: cheap until it is merged).

CREATE TABLE public.production_lot_search (
    lot_id integer PRIMARY KEY REFERENCES public.production_lots (id) ON DELETE CASCADE,
    -- lower(lot_number || ' ' || process name || ' ' || coalesce(notes, ''))
    search_text text NOT NULL
);

CREATE FUNCTION public.production_lot_search_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO public.production_lot_search (lot_id, search_text)
    SELECT NEW.id, lower(NEW.lot_number || ' ' || p.name || ' ' || coalesce(NEW.notes, ''))
      FROM public.processes p WHERE p.id = NEW.process_id
    ON CONFLICT (lot_id) DO UPDATE SET search_text = excluded.search_text;
    RETURN NULL;
END;
$$;

CREATE TRIGGER production_lots_search AFTER INSERT OR UPDATE OF lot_number, process_id, notes ON public.production_lots
    FOR EACH ROW EXECUTE FUNCTION public.production_lot_search_write();

CREATE FUNCTION public.production_lot_search_rename() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE public.production_lot_search s
       SET search_text = lower(l.lot_number || ' ' || NEW.name || ' ' || coalesce(l.notes, ''))
      FROM public.production_lots l
     WHERE l.process_id = NEW.id AND s.lot_id = l.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER processes_lot_search AFTER UPDATE OF name ON public.processes
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION public.production_lot_search_rename();

INSERT INTO public.production_lot_search (lot_id, search_text)
SELECT l.id, lower(l.lot_number || ' ' || p.name || ' ' || coalesce(l.notes, ''))
  FROM public.production_lots l JOIN public.processes p ON p.id = l.process_id;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS idx_production_lot_search_trgm ON public.production_lot_search USING gin (search_text public.gin_trgm_ops)';
    END IF;
END
$$;
