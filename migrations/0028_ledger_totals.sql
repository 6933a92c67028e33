-- requires: 0017_stock_valuation
-- The stock ledger summed per variant, kept exact by triggers on the ledger in the same
-- statement as its rows are written (whoever writes them: postStock, the legacy import, a
-- bulk load), so that what the reports and stock value read "as of now" is one row a variant
-- instead of an aggregate of the whole ledger (5,000,000 rows: seconds a request).
--
-- ledger_variant_totals, one row a variant with ledger rows: sum(quantity), the sum of the
-- values, the last row (by id) with a value and the last that moved stock without one (the
-- variant's stock is unvalued when that comes later), and of its 'production' rows: how many,
-- sum(quantity), and how many lots. Its row is the aggregate GET /api/stock/value and
-- /api/reports/variant-usage made of the whole ledger, exactly.
--
-- The row carries the variant's names too (its item's, and "item colour size"), kept by
-- triggers on the catalog when an item, colour or size is renamed or a variant moved: the
-- pages are sorted by value then name, and the ties of a value (thousands of variants worth
-- the same) are then read in the index's order instead of each variant's names being looked up.
--
-- ledger_value_totals: the total of stock value over every variant (variants with stock or
-- value, their value where it has a cost, the unvalued ones with stock), kept as the sum of
-- its rows: each writer adds what its statement changed to a row of its own, keyed by its
-- server process (pg_backend_pid()), which no other transaction writes at the same time, so
-- writers of different variants never wait for each other there. Its rows are as many as
-- the server processes that ever wrote stock.
--
-- What it costs a write: a statement adding ledger rows runs one more statement (the trigger)
-- that sums them per variant and upserts each variant's row (a heap row and, as its value
-- moves, entries of the two indexes below) and the writer's total row; a 'production' row of
-- a lot probes the ledger's lot index once to know whether the lot is new to the variant.
-- An update or delete of ledger rows (the demo back-dating its rows, a lot deleted) sums its
-- variants again from their own rows. A rename of an item rewrites its variants' rows; of a
-- colour or a size, every variant's of that colour or size (rare, and as many rows).

CREATE TABLE public.ledger_variant_totals (
    variant_id integer PRIMARY KEY REFERENCES public.item_variant (variant_id) ON DELETE CASCADE,
    quantity numeric NOT NULL,
    value numeric NOT NULL,
    last_valued_id bigint NOT NULL,
    last_unvalued_id bigint NOT NULL,
    production_rows bigint NOT NULL,
    production_quantity numeric NOT NULL,
    production_lots integer NOT NULL,
    item_name text NOT NULL,
    -- item name, colour and size, as GET /api/stock/value names a variant
    name text NOT NULL,
    unvalued boolean GENERATED ALWAYS AS (last_unvalued_id > last_valued_id) STORED,
    -- what the variant's stock is worth where it has a cost; 0 where it has none
    sort_value numeric GENERATED ALWAYS AS (CASE WHEN last_unvalued_id > last_valued_id THEN 0 ELSE value END) STORED
);
-- stock value's page, the most valuable first
CREATE INDEX idx_ledger_variant_totals_value ON public.ledger_variant_totals (sort_value DESC, name, ((variant_id)::text))
    WHERE quantity <> 0 OR value <> 0;
-- variant usage's page, the most consumed first
CREATE INDEX idx_ledger_variant_totals_usage ON public.ledger_variant_totals (production_quantity, lower(item_name), variant_id)
    WHERE production_rows > 0;

CREATE TABLE public.ledger_value_totals (
    backend_pid integer PRIMARY KEY,
    variants bigint NOT NULL,
    value numeric NOT NULL,
    unvalued_variants bigint NOT NULL
);

-- A variant's names as the totals carry them: its item's, and "item colour size".
CREATE VIEW public.ledger_variant_names AS
    SELECT v.variant_id, i.name::text AS item_name, i.name || ' ' || c.color_name || ' ' || s.size_name AS name
      FROM public.item_variant v
      JOIN public.item_master i ON i.item_id = v.item_id
      JOIN public.color_master c ON c.color_id = v.color_id
      JOIN public.size_master s ON s.size_id = v.size_id;

-- An item, colour or size renamed, or a variant moved to another: the names its variants' totals carry follow.
CREATE FUNCTION public.ledger_totals_rename() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    ids integer[];
BEGIN
    IF TG_TABLE_NAME = 'item_master' THEN
        ids := array(SELECT v.variant_id FROM public.item_variant v WHERE v.item_id = NEW.item_id);
    ELSIF TG_TABLE_NAME = 'color_master' THEN
        ids := array(SELECT v.variant_id FROM public.item_variant v WHERE v.color_id = NEW.color_id);
    ELSIF TG_TABLE_NAME = 'size_master' THEN
        ids := array(SELECT v.variant_id FROM public.item_variant v WHERE v.size_id = NEW.size_id);
    ELSE
        ids := ARRAY[NEW.variant_id];
    END IF;
    UPDATE public.ledger_variant_totals t SET item_name = n.item_name, name = n.name
      FROM public.ledger_variant_names n
     WHERE n.variant_id = ANY (ids) AND t.variant_id = n.variant_id AND (t.item_name, t.name) IS DISTINCT FROM (n.item_name, n.name);
    RETURN NULL;
END;
$$;

CREATE TRIGGER item_master_ledger_names AFTER UPDATE OF name ON public.item_master
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION public.ledger_totals_rename();
CREATE TRIGGER color_master_ledger_names AFTER UPDATE OF color_name ON public.color_master
    FOR EACH ROW WHEN (OLD.color_name IS DISTINCT FROM NEW.color_name) EXECUTE FUNCTION public.ledger_totals_rename();
CREATE TRIGGER size_master_ledger_names AFTER UPDATE OF size_name ON public.size_master
    FOR EACH ROW WHEN (OLD.size_name IS DISTINCT FROM NEW.size_name) EXECUTE FUNCTION public.ledger_totals_rename();
-- (a variant's update that sets these columns to what they were updates no totals row: the function compares the names)
CREATE TRIGGER item_variant_ledger_names AFTER UPDATE OF item_id, color_id, size_id ON public.item_variant
    FOR EACH ROW EXECUTE FUNCTION public.ledger_totals_rename();

-- Each function below ends with the same statement: what the variants' rows were ("before",
-- none for a new variant) and are ("after") adds its difference to the writer's total row.

-- Sums the variants' ledger rows again into their totals (none left: no row).
CREATE FUNCTION public.ledger_totals_recount(ids integer[]) RETURNS void
    LANGUAGE sql
    AS $$
    WITH before AS (SELECT t.* FROM public.ledger_variant_totals t WHERE t.variant_id = ANY (ids)),
    fresh AS (
        SELECT t.variant_id, sum(t.quantity) AS quantity, coalesce(sum(t.value), 0) AS value,
               coalesce(max(t.id) FILTER (WHERE t.value IS NOT NULL), 0) AS last_valued_id,
               coalesce(max(t.id) FILTER (WHERE t.value IS NULL AND t.quantity <> 0), 0) AS last_unvalued_id,
               count(*) FILTER (WHERE t.transaction_type = 'production') AS production_rows,
               coalesce(sum(t.quantity) FILTER (WHERE t.transaction_type = 'production'), 0) AS production_quantity,
               count(DISTINCT t.production_lot_id) FILTER (WHERE t.transaction_type = 'production') AS production_lots
          FROM public.inventory_transactions t WHERE t.variant_id = ANY (ids)
         GROUP BY t.variant_id),
    named AS (SELECT f.*, n.item_name, n.name FROM fresh f JOIN public.ledger_variant_names n ON n.variant_id = f.variant_id),
    gone AS (DELETE FROM public.ledger_variant_totals t WHERE t.variant_id = ANY (ids) AND t.variant_id NOT IN (SELECT f.variant_id FROM fresh f)),
    after AS (
        INSERT INTO public.ledger_variant_totals AS t (variant_id, quantity, value, last_valued_id, last_unvalued_id, production_rows, production_quantity, production_lots, item_name, name)
        SELECT * FROM named
        ON CONFLICT (variant_id) DO UPDATE
           SET item_name = excluded.item_name, name = excluded.name, quantity = excluded.quantity, value = excluded.value, last_valued_id = excluded.last_valued_id,
               last_unvalued_id = excluded.last_unvalued_id, production_rows = excluded.production_rows,
               production_quantity = excluded.production_quantity, production_lots = excluded.production_lots
        RETURNING t.*),
    s AS (SELECT 1 AS sign, a.* FROM after a UNION ALL SELECT -1, b.* FROM before b)
    INSERT INTO public.ledger_value_totals AS v (backend_pid, variants, value, unvalued_variants)
    SELECT pg_backend_pid(), coalesce(sum(s.sign * (s.quantity <> 0 OR s.value <> 0)::int), 0), coalesce(sum(s.sign * s.sort_value), 0),
           coalesce(sum(s.sign * (s.unvalued AND s.quantity <> 0)::int), 0)
      FROM s
    ON CONFLICT (backend_pid) DO UPDATE
       SET variants = v.variants + excluded.variants, value = v.value + excluded.value, unvalued_variants = v.unvalued_variants + excluded.unvalued_variants;
$$;

-- Added rows: each variant's row moves by their sums.
CREATE FUNCTION public.ledger_totals_added() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    WITH before AS (SELECT t.* FROM public.ledger_variant_totals t WHERE t.variant_id IN (SELECT a.variant_id FROM added a)),
    d AS (
        SELECT a.variant_id, sum(a.quantity) AS quantity, coalesce(sum(a.value), 0) AS value,
               coalesce(max(a.id) FILTER (WHERE a.value IS NOT NULL), 0) AS last_valued_id,
               coalesce(max(a.id) FILTER (WHERE a.value IS NULL AND a.quantity <> 0), 0) AS last_unvalued_id,
               count(*) FILTER (WHERE a.transaction_type = 'production') AS production_rows,
               coalesce(sum(a.quantity) FILTER (WHERE a.transaction_type = 'production'), 0) AS production_quantity
          FROM added a GROUP BY a.variant_id),
    -- the lots new to a variant: all the ledger's production rows of the lot and variant are this statement's
    pairs AS (
        SELECT a.variant_id, a.production_lot_id, count(*) AS n FROM added a
         WHERE a.transaction_type = 'production' AND a.production_lot_id IS NOT NULL GROUP BY 1, 2),
    new_lots AS (
        SELECT p.variant_id, count(*) AS lots FROM pairs p
         WHERE (SELECT count(*) FROM public.inventory_transactions t
                 WHERE t.production_lot_id = p.production_lot_id AND t.variant_id = p.variant_id AND t.transaction_type = 'production') = p.n
         GROUP BY p.variant_id),
    after AS (
        INSERT INTO public.ledger_variant_totals AS t (variant_id, quantity, value, last_valued_id, last_unvalued_id, production_rows, production_quantity, production_lots, item_name, name)
        SELECT d.*, coalesce(l.lots, 0), n.item_name, n.name
          FROM d JOIN public.ledger_variant_names n ON n.variant_id = d.variant_id LEFT JOIN new_lots l ON l.variant_id = d.variant_id
        ON CONFLICT (variant_id) DO UPDATE
           SET quantity = t.quantity + excluded.quantity, value = t.value + excluded.value,
               last_valued_id = greatest(t.last_valued_id, excluded.last_valued_id),
               last_unvalued_id = greatest(t.last_unvalued_id, excluded.last_unvalued_id),
               production_rows = t.production_rows + excluded.production_rows,
               production_quantity = t.production_quantity + excluded.production_quantity,
               production_lots = t.production_lots + excluded.production_lots
        RETURNING t.*),
    s AS (SELECT 1 AS sign, a.* FROM after a UNION ALL SELECT -1, b.* FROM before b)
    INSERT INTO public.ledger_value_totals AS v (backend_pid, variants, value, unvalued_variants)
    SELECT pg_backend_pid(), coalesce(sum(s.sign * (s.quantity <> 0 OR s.value <> 0)::int), 0), coalesce(sum(s.sign * s.sort_value), 0),
           coalesce(sum(s.sign * (s.unvalued AND s.quantity <> 0)::int), 0)
      FROM s
    ON CONFLICT (backend_pid) DO UPDATE
       SET variants = v.variants + excluded.variants, value = v.value + excluded.value, unvalued_variants = v.unvalued_variants + excluded.unvalued_variants;
    RETURN NULL;
END;
$$;

-- Changed or removed rows: their variants are summed again (old and new variant of a row moved).
CREATE FUNCTION public.ledger_totals_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM public.ledger_totals_recount(array(SELECT r.variant_id FROM removed r UNION SELECT a.variant_id FROM added a));
    ELSE
        PERFORM public.ledger_totals_recount(array(SELECT DISTINCT r.variant_id FROM removed r));
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER inventory_transactions_totals_insert AFTER INSERT ON public.inventory_transactions
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_totals_added();
CREATE TRIGGER inventory_transactions_totals_update AFTER UPDATE ON public.inventory_transactions
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_totals_changed();
CREATE TRIGGER inventory_transactions_totals_delete AFTER DELETE ON public.inventory_transactions
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_totals_changed();

SELECT public.ledger_totals_recount(array(SELECT DISTINCT t.variant_id FROM public.inventory_transactions t));
