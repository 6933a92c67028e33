-- requires: 0005_production_lots
-- The lots-by-status report (GET /api/reports/lots-by-status) counts the lots created in each
-- day, week or month of a period by their status now. It read every lot of the period (a year:
-- 25,000 lots, 50 ms and more a request); it now sums this table: lots per UTC day of creation
-- and status, kept exact by triggers on production_lots in the statement that writes the lots
-- (a lot created, its status changed, a lot deleted).
-- Each writer adds to rows of its own, keyed by its server process (pg_backend_pid()), which
-- no other transaction writes at the same time: lots written at once by different people
-- never wait for each other here (one row per day and status would make them queue, and
-- could deadlock two transactions that move several lots). A day has at most a row per
-- status and server process that wrote its lots.
-- What it costs a write: a statement that creates lots, changes their status or deletes them
-- runs one more statement (the trigger) upserting a row per day and status it touched.

CREATE TABLE public.lot_status_days (
    day date NOT NULL,
    status character varying(20) NOT NULL,
    backend_pid integer NOT NULL,
    lots integer NOT NULL,
    PRIMARY KEY (day, status, backend_pid)
);

-- Adds each lot in `added` to its day and status, and takes each in `removed` away.
CREATE FUNCTION public.lot_status_days_count() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.lot_status_days AS d (day, status, backend_pid, lots)
        SELECT (a.created_at AT TIME ZONE 'UTC')::date, a.status, pg_backend_pid(), count(*) FROM added a GROUP BY 1, 2
        ON CONFLICT (day, status, backend_pid) DO UPDATE SET lots = d.lots + excluded.lots;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.lot_status_days AS d (day, status, backend_pid, lots)
        SELECT (r.created_at AT TIME ZONE 'UTC')::date, r.status, pg_backend_pid(), -count(*) FROM removed r GROUP BY 1, 2
        ON CONFLICT (day, status, backend_pid) DO UPDATE SET lots = d.lots + excluded.lots;
    ELSE
        INSERT INTO public.lot_status_days AS d (day, status, backend_pid, lots)
        SELECT c.day, c.status, pg_backend_pid(), sum(c.n)
          FROM (SELECT (a.created_at AT TIME ZONE 'UTC')::date AS day, a.status, 1 AS n FROM added a
                UNION ALL
                SELECT (r.created_at AT TIME ZONE 'UTC')::date, r.status, -1 FROM removed r) c
         GROUP BY c.day, c.status HAVING sum(c.n) <> 0
        ON CONFLICT (day, status, backend_pid) DO UPDATE SET lots = d.lots + excluded.lots;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER production_lots_status_days_insert AFTER INSERT ON public.production_lots
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.lot_status_days_count();
CREATE TRIGGER production_lots_status_days_update AFTER UPDATE ON public.production_lots
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.lot_status_days_count();
CREATE TRIGGER production_lots_status_days_delete AFTER DELETE ON public.production_lots
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION public.lot_status_days_count();

INSERT INTO public.lot_status_days (day, status, backend_pid, lots)
SELECT (l.created_at AT TIME ZONE 'UTC')::date, l.status, 0, count(*) FROM public.production_lots l GROUP BY 1, 2;
