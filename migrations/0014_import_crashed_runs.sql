-- requires: 0012_import_runtime
-- A job whose run has ended the process running it twice is failed, not taken over a third
-- time (an XLSX file that made a server run out of memory used to take down every server
-- that picked it up, one after another). A run marks the job as held by its process when it
-- starts (held_by) and clears the mark when it lets go of the job on purpose (a stop, a
-- lease it lost while alive); a run that finds the mark of another process knows that
-- process died running the job, and counts it in crashed_runs.
ALTER TABLE public.import_job_sources
    ADD COLUMN held_by character varying(200),
    ADD COLUMN crashed_runs smallint NOT NULL DEFAULT 0;
