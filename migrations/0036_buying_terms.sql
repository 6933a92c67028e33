-- requires: 0003_suppliers 0004_processes 0005_production_lots 0033_settings
-- The terms buying and costing plan with (issue 22):
--   * a rate's lead time in days (NULL: its supplier's default) and its pack size (the supplier
--     sells in packs of this many: an order is rounded up to whole packs, after the minimum
--     order quantity);
--   * a supplier's default lead time in days (0 until set);
--   * a lot's planned start day (NULL: as soon as possible), so purchase suggestions cover the
--     lots planned within each supplier's lead time;
--   * a process's target margin in percent (NULL: the installation's default), and that
--     default in the settings (15%): costing names the processes whose worst-case margin is
--     below their target.
-- Every column is new with a constant default or none, so adding it rewrites no table; the
-- checks on the rates are added NOT VALID and validated at once (the new columns hold only
-- their defaults, which pass).

ALTER TABLE public.variant_supplier_pricing
    ADD COLUMN lead_time_days integer,
    ADD COLUMN pack_size numeric(12,3) NOT NULL DEFAULT 1,
    ADD CONSTRAINT variant_supplier_pricing_lead_time_check CHECK (lead_time_days IS NULL OR lead_time_days BETWEEN 0 AND 730) NOT VALID,
    ADD CONSTRAINT variant_supplier_pricing_pack_size_check CHECK (pack_size > 0) NOT VALID;

ALTER TABLE public.variant_supplier_pricing VALIDATE CONSTRAINT variant_supplier_pricing_lead_time_check;
ALTER TABLE public.variant_supplier_pricing VALIDATE CONSTRAINT variant_supplier_pricing_pack_size_check;

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: suppliers is a small table (one row per supplier): the check scans it in a moment
ALTER TABLE public.suppliers
    ADD COLUMN lead_time_days integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT suppliers_lead_time_check CHECK (lead_time_days BETWEEN 0 AND 730);

ALTER TABLE public.production_lots
    ADD COLUMN planned_start date;

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: processes is a small table (one row per process definition): the check scans it in a moment
ALTER TABLE public.processes
    ADD COLUMN target_margin numeric(5,2),
    ADD CONSTRAINT processes_target_margin_check CHECK (target_margin IS NULL OR (target_margin >= 0 AND target_margin < 100));

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: app_settings holds one row: the check scans it in a moment
ALTER TABLE public.app_settings
    ADD COLUMN target_margin numeric(5,2) NOT NULL DEFAULT 15,
    ADD CONSTRAINT app_settings_target_margin_check CHECK (target_margin >= 0 AND target_margin < 100);
