-- requires: 0001_users 0008_access
-- Accounts can be deactivated (and reactivated) rather than deleted, so that what a person
-- did stays attributed to them; a deactivated account cannot log in and its sessions and
-- tokens are ended with it. The audit trail also records failed logins, account
-- deactivation and reactivation, and production lots' changes of status.

ALTER TABLE public.users ADD COLUMN deactivated_at timestamp with time zone;

-- The wider check scans the trail once under the ALTER's lock: a comparison per row, about
-- a second per few million rows (NOT VALID then VALIDATE in the same transaction would
-- hold the same lock, so it would gain nothing).
-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: a comparison per row of the audit trail, once, as the comment above says
ALTER TABLE public.audit_events
    DROP CONSTRAINT audit_events_action_check,
    ADD CONSTRAINT audit_events_action_check
        CHECK (action IN ('create', 'update', 'delete', 'restore', 'login', 'logout', 'login_failed', 'deactivate', 'reactivate', 'transition'));
