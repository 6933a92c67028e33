-- requires: 0018_finished_goods
-- A process's usual lot size: how many units a run of it usually makes. The costing shares a
-- process's fixed per-run costs (tooling, a setup) over this many units unless asked for
-- another run size, so a margin shown without one is the margin of a usual run (1 for the
-- processes there are, as the costing counted them until now). At most 1,000,000, a lot's
-- largest quantity.

-- mtc:allow CONSTRAINT_WITHOUT_NOT_VALID: processes is a small table (one row per process definition): the check scans it in a moment
ALTER TABLE public.processes
    ADD COLUMN lot_size integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT processes_lot_size_check CHECK (lot_size BETWEEN 1 AND 1000000);
