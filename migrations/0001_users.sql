-- Users and their roles, and the trigger function every table with `updated_at` uses.

CREATE FUNCTION public.update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TABLE public.users (
    user_id serial PRIMARY KEY,
    name character varying(150) NOT NULL,
    email character varying(255) NOT NULL,
    role character varying(20) NOT NULL DEFAULT 'viewer',
    password_hash character varying(256),
    profile_picture character varying(255),
    company text,
    mobile text,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT users_role_check CHECK (role IN ('admin', 'planner', 'operator', 'viewer'))
);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX users_email_key ON public.users (lower(email));

CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON public.users
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
