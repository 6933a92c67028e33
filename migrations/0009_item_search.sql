-- requires: 0002_items
-- Item search that ignores case and accents without folding every row on every search:
-- public.mtc_fold() is the one definition of "folded" (lower case, accents removed; neither
-- unaccent nor pg_trgm is available everywhere MTC runs), and each searchable name keeps
-- its folded form in a stored generated column, so a search compares stored text. The
-- columns rewrite item_master and two masters once (the lint warns): small tables here.

CREATE FUNCTION public.mtc_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    -- No SET search_path, so that it can be inlined: lower() and translate() are pg_catalog's,
    -- which is searched first whatever the caller's path. Accents go before lower(), which
    -- leaves non-ASCII letters alone under the C locale.
    AS $$
SELECT lower(translate(value, 'ÀÁÂÃÄÅàáâãäåÇçČčĆćÈÉÊËèéêëĘęÌÍÎÏìíîïÑñŃńÒÓÔÕÖØòóôõöøŐőÙÚÛÜùúûüŰűÝýÿŠšŚśŽžŹźŻżŘřĞğŞşŁłĄą', 'AAAAAAaaaaaaCcCcCcEEEEeeeeEeIIIIiiiiNnNnOOOOOOooooooOoUUUUuuuuUuYyySsSsZzZzZzRrGgSsLlAa'))
$$;

-- mtc:allow TABLE_REWRITE: a stored generated column is computed for each row once; item_master is a small master table (the header says so)
ALTER TABLE public.item_master
    ADD COLUMN search_text text GENERATED ALWAYS AS (public.mtc_fold(coalesce(name, '') || ' ' || coalesce(category, ''))) STORED;
-- mtc:allow TABLE_REWRITE: a stored generated column is computed for each row once; model_master is a small master table (the header says so)
ALTER TABLE public.model_master
    ADD COLUMN name_folded text GENERATED ALWAYS AS (public.mtc_fold(model_name)) STORED;
-- mtc:allow TABLE_REWRITE: a stored generated column is computed for each row once; variation_master is a small master table (the header says so)
ALTER TABLE public.variation_master
    ADD COLUMN name_folded text GENERATED ALWAYS AS (public.mtc_fold(variation_name)) STORED;
