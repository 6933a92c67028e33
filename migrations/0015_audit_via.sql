-- requires: 0011_account_lifecycle
-- The audit trail says how a change was made as well as by whom: through the API (`http`),
-- the mtc command (`cli`, whose user may be nobody: the one at the terminal), an import job
-- (`import`) or the demo seed (`seed`). Rows from before were all made through the API.
ALTER TABLE public.audit_events
    ADD COLUMN via character varying(10) NOT NULL DEFAULT 'http'
        CONSTRAINT audit_events_via_check CHECK (via IN ('http', 'cli', 'import', 'seed'));
