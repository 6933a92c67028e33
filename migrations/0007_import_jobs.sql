-- requires: 0001_users
-- Bulk CSV imports: one job per file, its progress counters, and one error row per
-- rejected input row. A job is a row, so it survives a restart of the server.

CREATE TABLE public.import_jobs (
    id bigserial PRIMARY KEY,
    import_id uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id integer,
    kind character varying(50) NOT NULL,
    status character varying(20) NOT NULL DEFAULT 'queued',
    message text,
    total_rows integer NOT NULL DEFAULT 0,
    processed_rows integer NOT NULL DEFAULT 0,
    success_count integer NOT NULL DEFAULT 0,
    failure_count integer NOT NULL DEFAULT 0,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT import_jobs_import_id_key UNIQUE (import_id),
    CONSTRAINT import_jobs_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users (user_id) ON DELETE SET NULL,
    CONSTRAINT import_jobs_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    CONSTRAINT import_jobs_counts_check CHECK (
        total_rows >= 0 AND processed_rows >= 0 AND success_count >= 0 AND failure_count >= 0
        AND success_count + failure_count <= processed_rows
    )
);
-- import_id is indexed by its unique constraint.
CREATE INDEX idx_import_jobs_user_id ON public.import_jobs (user_id);
CREATE INDEX idx_import_jobs_status ON public.import_jobs (status);
CREATE INDEX idx_import_jobs_created_at ON public.import_jobs (created_at DESC);

CREATE TRIGGER update_import_jobs_updated_at BEFORE UPDATE ON public.import_jobs
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.import_job_errors (
    id bigserial PRIMARY KEY,
    import_job_id bigint NOT NULL REFERENCES public.import_jobs (id) ON DELETE CASCADE,
    row_number integer NOT NULL,
    field character varying(100),
    message text NOT NULL,
    raw_row text,
    created_at timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX idx_import_job_errors_job ON public.import_job_errors (import_job_id, row_number);
