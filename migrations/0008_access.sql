-- requires: 0001_users
-- Who may do what: browser sessions, API tokens for scripts, and the audit trail of every
-- write. Secrets are never stored: a session or token is kept as the SHA-256 of its value.

CREATE TABLE public.user_sessions (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES public.users (user_id) ON DELETE CASCADE,
    token_hash text NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    last_seen_at timestamp with time zone NOT NULL DEFAULT now(),
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT user_sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_user_sessions_user ON public.user_sessions (user_id);
CREATE INDEX idx_user_sessions_expires ON public.user_sessions (expires_at);

CREATE TABLE public.api_tokens (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES public.users (user_id) ON DELETE CASCADE,
    name character varying(100) NOT NULL,
    -- The first characters of the token, so a person can tell tokens apart.
    prefix character varying(16) NOT NULL,
    token_hash text NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_api_tokens_user ON public.api_tokens (user_id);

CREATE TABLE public.audit_events (
    id bigserial PRIMARY KEY,
    user_id integer REFERENCES public.users (user_id) ON DELETE SET NULL,
    action character varying(20) NOT NULL,
    entity character varying(50) NOT NULL,
    entity_id text,
    before jsonb,
    after jsonb,
    request_id text,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT audit_events_action_check CHECK (action IN ('create', 'update', 'delete', 'restore', 'login', 'logout'))
);
CREATE INDEX idx_audit_events_user ON public.audit_events (user_id);
CREATE INDEX idx_audit_events_entity ON public.audit_events (entity, entity_id);
CREATE INDEX idx_audit_events_created_at ON public.audit_events (created_at DESC);
