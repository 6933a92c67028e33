-- pg_trgm where the server has it: item search then finds a word inside names by a trigram
-- index (0024) instead of reading every item. PGlite ships it, Debian's PostgreSQL and every
-- managed PostgreSQL have it, and it is trusted (a database owner may create it). Where it is
-- missing, or this role may not create it, nothing fails: search reads every item, as
-- before, with the same answers; `mtc verify` and /ready say so.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pg_trgm is not created (this role may not): item search reads every item; README.md, "Search", says how to add it later';
END
$$;
