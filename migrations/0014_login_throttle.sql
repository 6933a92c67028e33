-- Login attempts counted where every server on the database sees them: one row per key (an
-- address, or an address and the account an email names, folded as the account lookup folds
-- it) with the minute its window began and the attempts in it. Two servers behind one address
-- share the allowance instead of doubling it. Rows of ended windows are deleted as logins come.
CREATE TABLE public.login_attempts (
    key text PRIMARY KEY,
    window_start timestamp with time zone NOT NULL,
    attempts integer NOT NULL CHECK (attempts > 0)
);
CREATE INDEX login_attempts_window_start_idx ON public.login_attempts (window_start);
