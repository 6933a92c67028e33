-- requires: 0001_users
-- How the whole installation writes a day and an amount: the currency its money is in (an
-- ISO 4217 code) and the date format of every page, export and import. One row, always there
-- (`only_row` is its key and can only be true); an admin changes it, audited as a change of
-- `settings`. The formats are the three the web app, the exports and the imports know; ISO
-- (YYYY-MM-DD) is accepted on input whatever the setting. Which codes exist is the app's check
-- (`src/app/settings/settings.ts`, against the runtime's ISO 4217 list); the table checks the shape.
CREATE TABLE public.app_settings (
    only_row boolean NOT NULL DEFAULT true CONSTRAINT app_settings_only_row_check CHECK (only_row),
    currency character(3) NOT NULL DEFAULT 'INR' CONSTRAINT app_settings_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    date_format character varying(10) NOT NULL DEFAULT 'DD/MM/YYYY'
        CONSTRAINT app_settings_date_format_check CHECK (date_format IN ('DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD')),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT app_settings_pkey PRIMARY KEY (only_row)
);

CREATE TRIGGER update_app_settings_updated_at BEFORE UPDATE ON public.app_settings
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

INSERT INTO public.app_settings DEFAULT VALUES;
