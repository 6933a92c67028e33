#!/usr/bin/env node
// Benchmark corpus generator: ~64 SQL migrations shaped like MTC's schema
// (34 tables, ~90 indexes, foreign keys, 8 updated_at triggers, 2 views, a DO
// block, a 10,000-row backfill followed by ANALYZE), written in MTC's format
// and laid out again for each peer tool:
//
//   DIR/mtc/migrations/<id>.sql            MTC: `-- requires: <id> ...` header
//   DIR/dbmate/db/migrations/<id>.sql      dbmate: -- migrate:up / -- migrate:down
//   DIR/node-pg-migrate/migrations/<id>.sql node-pg-migrate 9: -- Up Migration / -- Down Migration
//   DIR/sqitch/{sqitch.conf,sqitch.plan,deploy,revert,verify}
//   DIR/all.sql                            everything concatenated, for `psql -1 -f` (the floor)
//   DIR/manifest.json                      ids, requires, expected object counts
//
// Usage: node bench/migrate/corpus.mjs [DIR]   (default bench/.work/corpus)
// Plain Node ESM, no dependencies. Output is deterministic.

import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------
// A migration is a list of steps; each step has up SQL, down SQL, a sqitch
// verify statement, and the names of the objects it creates. Dependencies are
// derived from the objects a migration's SQL names (the real graph), plus the
// explicit extra requirements that a name cannot reveal (a column added later,
// rows seeded by another migration).
// ---------------------------------------------------------------------------

const migrations = [];
function mig(name, opts, ...steps) {
  if (!Array.isArray(opts) && typeof opts === 'object' && opts !== null && !('up' in opts)) {
    /* options object */
  } else {
    steps.unshift(opts);
    opts = {};
  }
  const n = migrations.length + 1;
  const id = `${String(n).padStart(4, '0')}_${name}`;
  migrations.push({ id, name, steps: steps.flat(), extra: opts.after ?? [] });
  return id;
}

const ident = (s) => s; // all names are plain lower-case identifiers

function table(name, body, tail = '') {
  return {
    up: `CREATE TABLE ${ident(name)} (\n${body
      .trim()
      .split('\n')
      .map((l) => `    ${l.trim()}`)
      .join('\n')}\n)${tail};`,
    down: `DROP TABLE IF EXISTS ${name};`,
    verify: `SELECT 1 / (to_regclass('public.${name}') IS NOT NULL)::int;`,
    creates: [name],
    kind: 'table',
  };
}
function index(name, on, { unique = false, using = '', where = '' } = {}) {
  const u = unique ? 'UNIQUE ' : '';
  const m = on.match(/^(\w+)\s*(.*)$/s);
  const usingClause = using ? ` USING ${using}` : '';
  const whereClause = where ? ` WHERE ${where}` : '';
  return {
    up: `CREATE ${u}INDEX ${name} ON ${m[1]}${usingClause} ${m[2]}${whereClause};`,
    down: `DROP INDEX IF EXISTS ${name};`,
    verify: `SELECT 1 / (to_regclass('public.${name}') IS NOT NULL)::int;`,
    creates: [name],
    kind: 'index',
  };
}
function touchTrigger(tbl, fn = 'set_updated_at') {
  const name = `trg_${tbl}_updated_at`;
  return {
    up: `CREATE TRIGGER ${name}\n    BEFORE UPDATE ON ${tbl}\n    FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    down: `DROP TRIGGER IF EXISTS ${name} ON ${tbl};`,
    verify: `SELECT 1 / count(*) FROM pg_trigger WHERE tgname = '${name}' AND tgrelid = '${tbl}'::regclass;`,
    creates: [],
    kind: 'trigger',
  };
}
function addColumn(tbl, col, def) {
  return {
    up: `ALTER TABLE ${tbl} ADD COLUMN ${col} ${def};`,
    down: `ALTER TABLE ${tbl} DROP COLUMN IF EXISTS ${col};`,
    verify: `SELECT ${col} FROM ${tbl} WHERE false;`,
    creates: [],
    kind: 'alter',
  };
}
function addConstraint(tbl, name, def) {
  return {
    up: `ALTER TABLE ${tbl} ADD CONSTRAINT ${name} ${def};`,
    down: `ALTER TABLE ${tbl} DROP CONSTRAINT IF EXISTS ${name};`,
    verify: `SELECT 1 / count(*) FROM pg_constraint WHERE conname = '${name}' AND conrelid = '${tbl}'::regclass;`,
    creates: [],
    kind: 'alter',
  };
}
function raw(up, down, verify, creates = [], kind = 'raw') {
  return { up: up.trim(), down: down.trim(), verify: verify.trim(), creates, kind };
}

// --- helpers ------------------------------------------------------------------

mig(
  'updated_at_function',
  raw(
    `
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;`,
    'DROP FUNCTION IF EXISTS set_updated_at();',
    "SELECT 'set_updated_at()'::regprocedure;",
    ['set_updated_at'],
    'function',
  ),
);

// --- users ------------------------------------------------------------------

mig(
  'users',
  table(
    'users',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    role text NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'planner', 'operator', 'viewer')),
    password_hash text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('users_email_lower_key', 'users (lower(email))', { unique: true }),
  index('idx_users_role', 'users (role)'),
  index('idx_users_active', 'users (display_name)', { where: 'is_active' }),
);
mig('users_updated_at', touchTrigger('users'));

mig(
  'user_sessions',
  table(
    'user_sessions',
    `
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    user_agent text,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_user_sessions_user_id', 'user_sessions (user_id)'),
  index('idx_user_sessions_expires_at', 'user_sessions (expires_at)'),
);

mig(
  'audit_log',
  table(
    'audit_log',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    entity text NOT NULL,
    entity_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import', 'login')),
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_audit_log_entity', 'audit_log (entity, entity_id)'),
  index('idx_audit_log_user_id', 'audit_log (user_id)'),
  index('idx_audit_log_created_at', 'audit_log (created_at DESC)'),
  index('idx_audit_log_payload', 'audit_log (payload jsonb_path_ops)', { using: 'gin' }),
);

// --- catalogue ----------------------------------------------------------------

mig(
  'units_of_measure',
  table(
    'units_of_measure',
    `
    code text PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('count', 'mass', 'length', 'area', 'volume', 'time')),
    factor_to_base numeric(18, 8) NOT NULL DEFAULT 1 CHECK (factor_to_base > 0)`,
  ),
  index('idx_units_of_measure_kind', 'units_of_measure (kind)'),
);

mig(
  'item_categories',
  table(
    'item_categories',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id bigint REFERENCES item_categories (id) ON DELETE RESTRICT,
    code text NOT NULL UNIQUE,
    name text NOT NULL`,
  ),
  index('idx_item_categories_parent_id', 'item_categories (parent_id)'),
);

mig(
  'item_master',
  table(
    'item_master',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    category_id bigint REFERENCES item_categories (id) ON DELETE SET NULL,
    base_uom text NOT NULL REFERENCES units_of_measure (code),
    description text,
    is_active boolean NOT NULL DEFAULT true,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_item_master_category_id', 'item_master (category_id)'),
  index('idx_item_master_base_uom', 'item_master (base_uom)'),
  index('idx_item_master_created_by', 'item_master (created_by)'),
  index('idx_item_master_name', 'item_master (lower(name))'),
  index('idx_item_master_active', 'item_master (code)', { where: 'is_active' }),
);
mig('item_master_updated_at', touchTrigger('item_master'));

mig(
  'item_variant',
  table(
    'item_variant',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint NOT NULL REFERENCES item_master (id) ON DELETE CASCADE,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    uom text NOT NULL REFERENCES units_of_measure (code),
    attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
    standard_cost numeric(14, 4) NOT NULL DEFAULT 0 CHECK (standard_cost >= 0),
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_item_variant_item_id', 'item_variant (item_id)'),
  index('idx_item_variant_uom', 'item_variant (uom)'),
  index('idx_item_variant_attributes', 'item_variant (attributes)', { using: 'gin' }),
  index('idx_item_variant_active', 'item_variant (item_id, sku)', { where: 'is_active' }),
);
mig('item_variant_updated_at', touchTrigger('item_variant'));

// --- suppliers ----------------------------------------------------------------

mig(
  'suppliers',
  table(
    'suppliers',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    email text,
    phone text,
    country char(2),
    payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days >= 0),
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_suppliers_name', 'suppliers (lower(name))'),
  index('idx_suppliers_country', 'suppliers (country)'),
);
mig('suppliers_updated_at', touchTrigger('suppliers'));

mig(
  'supplier_contacts',
  table(
    'supplier_contacts',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id bigint NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    name text NOT NULL,
    email text,
    phone text,
    is_primary boolean NOT NULL DEFAULT false`,
  ),
  index('idx_supplier_contacts_supplier_id', 'supplier_contacts (supplier_id)'),
  index('supplier_contacts_one_primary', 'supplier_contacts (supplier_id)', { unique: true, where: 'is_primary' }),
);

mig(
  'variant_supplier_pricing',
  table(
    'variant_supplier_pricing',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE CASCADE,
    supplier_id bigint NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    currency char(3) NOT NULL DEFAULT 'EUR',
    unit_price numeric(14, 4) NOT NULL CHECK (unit_price >= 0),
    min_qty numeric(14, 4) NOT NULL DEFAULT 1 CHECK (min_qty > 0),
    lead_time_days integer NOT NULL DEFAULT 0,
    valid_from date NOT NULL DEFAULT current_date,
    valid_to date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT variant_supplier_pricing_period CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT variant_supplier_pricing_key UNIQUE (variant_id, supplier_id, valid_from)`,
  ),
  index('idx_variant_supplier_pricing_supplier_id', 'variant_supplier_pricing (supplier_id)'),
  index('idx_variant_supplier_pricing_variant_from', 'variant_supplier_pricing (variant_id, valid_from DESC)'),
  index('idx_variant_supplier_pricing_current', 'variant_supplier_pricing (variant_id, unit_price)', { where: 'valid_to IS NULL' }),
);
mig('variant_supplier_pricing_updated_at', touchTrigger('variant_supplier_pricing'));

mig(
  'price_history',
  table(
    'price_history',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pricing_id bigint NOT NULL REFERENCES variant_supplier_pricing (id) ON DELETE CASCADE,
    old_price numeric(14, 4),
    new_price numeric(14, 4) NOT NULL,
    changed_by bigint REFERENCES users (id) ON DELETE SET NULL,
    changed_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_price_history_pricing_id', 'price_history (pricing_id)'),
  index('idx_price_history_changed_by', 'price_history (changed_by)'),
  index('idx_price_history_changed_at', 'price_history (changed_at DESC)'),
);

// --- locations ------------------------------------------------------------------

mig(
  'warehouses',
  table(
    'warehouses',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    address text,
    is_active boolean NOT NULL DEFAULT true`,
  ),
  index('idx_warehouses_name', 'warehouses (lower(name))'),
);

mig(
  'storage_locations',
  table(
    'storage_locations',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    warehouse_id bigint NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
    code text NOT NULL,
    description text,
    CONSTRAINT storage_locations_key UNIQUE (warehouse_id, code)`,
  ),
  index('idx_storage_locations_code', 'storage_locations (code)'),
);

// --- processes --------------------------------------------------------------------

mig(
  'work_centers',
  table(
    'work_centers',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    hourly_rate numeric(12, 2) NOT NULL DEFAULT 0 CHECK (hourly_rate >= 0),
    capacity_hours_per_day numeric(5, 2) NOT NULL DEFAULT 8`,
  ),
  index('idx_work_centers_name', 'work_centers (lower(name))'),
);

mig(
  'processes',
  table(
    'processes',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    description text,
    output_variant_id bigint REFERENCES item_variant (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_processes_output_variant_id', 'processes (output_variant_id)'),
  index('idx_processes_name', 'processes (lower(name))'),
);

mig(
  'subprocesses',
  table(
    'subprocesses',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    work_center_id bigint REFERENCES work_centers (id) ON DELETE SET NULL,
    setup_minutes numeric(10, 2) NOT NULL DEFAULT 0,
    run_minutes_per_unit numeric(10, 4) NOT NULL DEFAULT 0`,
  ),
  index('idx_subprocesses_work_center_id', 'subprocesses (work_center_id)'),
);

mig(
  'process_subprocesses',
  table(
    'process_subprocesses',
    `
    process_id bigint NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    subprocess_id bigint NOT NULL REFERENCES subprocesses (id) ON DELETE RESTRICT,
    sequence integer NOT NULL CHECK (sequence > 0),
    PRIMARY KEY (process_id, sequence),
    CONSTRAINT process_subprocesses_once UNIQUE (process_id, subprocess_id)`,
  ),
  index('idx_process_subprocesses_subprocess_id', 'process_subprocesses (subprocess_id)'),
);

mig(
  'variant_usage',
  table(
    'variant_usage',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE CASCADE,
    component_variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE RESTRICT,
    process_id bigint REFERENCES processes (id) ON DELETE SET NULL,
    quantity numeric(14, 6) NOT NULL CHECK (quantity > 0),
    uom text NOT NULL REFERENCES units_of_measure (code),
    scrap_pct numeric(5, 2) NOT NULL DEFAULT 0 CHECK (scrap_pct >= 0 AND scrap_pct < 100),
    CONSTRAINT variant_usage_not_self CHECK (parent_variant_id <> component_variant_id)`,
  ),
  index('variant_usage_key', 'variant_usage (parent_variant_id, component_variant_id, coalesce(process_id, 0))', { unique: true }),
  index('idx_variant_usage_component', 'variant_usage (component_variant_id)'),
  index('idx_variant_usage_process_id', 'variant_usage (process_id)'),
  index('idx_variant_usage_uom', 'variant_usage (uom)'),
);

mig(
  'substitute_groups',
  table(
    'substitute_groups',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    usage_id bigint NOT NULL REFERENCES variant_usage (id) ON DELETE CASCADE`,
  ),
  index('idx_substitute_groups_usage_id', 'substitute_groups (usage_id)'),
);

mig(
  'substitute_group_members',
  table(
    'substitute_group_members',
    `
    group_id bigint NOT NULL REFERENCES substitute_groups (id) ON DELETE CASCADE,
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE CASCADE,
    priority integer NOT NULL DEFAULT 1,
    ratio numeric(10, 4) NOT NULL DEFAULT 1 CHECK (ratio > 0),
    PRIMARY KEY (group_id, variant_id)`,
  ),
  index('idx_substitute_group_members_variant_id', 'substitute_group_members (variant_id)'),
  index('idx_substitute_group_members_priority', 'substitute_group_members (group_id, priority)'),
);

// --- costing ----------------------------------------------------------------------

mig(
  'cost_items',
  table(
    'cost_items',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('material', 'labour', 'overhead', 'energy', 'freight')),
    uom text REFERENCES units_of_measure (code),
    is_active boolean NOT NULL DEFAULT true`,
  ),
  index('idx_cost_items_kind', 'cost_items (kind)'),
  index('idx_cost_items_uom', 'cost_items (uom)'),
);

mig(
  'cost_rates',
  table(
    'cost_rates',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cost_item_id bigint NOT NULL REFERENCES cost_items (id) ON DELETE CASCADE,
    work_center_id bigint REFERENCES work_centers (id) ON DELETE CASCADE,
    rate numeric(14, 4) NOT NULL CHECK (rate >= 0),
    currency char(3) NOT NULL DEFAULT 'EUR',
    valid_from date NOT NULL DEFAULT current_date,
    valid_to date`,
  ),
  index('idx_cost_rates_cost_item_from', 'cost_rates (cost_item_id, valid_from DESC)'),
  index('idx_cost_rates_work_center_id', 'cost_rates (work_center_id)'),
);

// --- the DO block: an enum type created only if missing ------------------------------

mig(
  'txn_kind_type',
  raw(
    `
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typname = 'txn_kind' AND n.nspname = current_schema()
    ) THEN
        CREATE TYPE txn_kind AS ENUM (
            'receipt', 'issue', 'adjustment', 'transfer_in', 'transfer_out',
            'production_in', 'production_out'
        );
    END IF;
END;
$$;`,
    'DROP TYPE IF EXISTS txn_kind;',
    "SELECT 'txn_kind'::regtype;",
    ['txn_kind'],
    'do',
  ),
);

// --- production -------------------------------------------------------------------

mig(
  'production_lots',
  table(
    'production_lots',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_number text NOT NULL UNIQUE,
    process_id bigint NOT NULL REFERENCES processes (id) ON DELETE RESTRICT,
    output_variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE RESTRICT,
    planned_qty numeric(14, 4) NOT NULL CHECK (planned_qty > 0),
    produced_qty numeric(14, 4) NOT NULL DEFAULT 0 CHECK (produced_qty >= 0),
    status text NOT NULL DEFAULT 'planning'
        CHECK (status IN ('planning', 'ready', 'in_progress', 'completed', 'failed', 'cancelled')),
    planned_start date,
    started_at timestamptz,
    completed_at timestamptz,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_production_lots_process_id', 'production_lots (process_id)'),
  index('idx_production_lots_output_variant_id', 'production_lots (output_variant_id)'),
  index('idx_production_lots_created_by', 'production_lots (created_by)'),
  index('idx_production_lots_open', 'production_lots (planned_start)', { where: "status IN ('planning', 'ready', 'in_progress')" }),
);
mig(
  'production_lots_updated_at',
  raw(
    `
CREATE FUNCTION production_lots_touch() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status = 'in_progress' AND NEW.started_at IS NULL THEN
            NEW.started_at := now();
        ELSIF NEW.status IN ('completed', 'failed', 'cancelled') AND NEW.completed_at IS NULL THEN
            NEW.completed_at := now();
        END IF;
    END IF;
    RETURN NEW;
END;
$$;`,
    'DROP FUNCTION IF EXISTS production_lots_touch();',
    "SELECT 'production_lots_touch()'::regprocedure;",
    ['production_lots_touch'],
    'function',
  ),
  touchTrigger('production_lots', 'production_lots_touch'),
);

mig(
  'lot_consumptions',
  table(
    'lot_consumptions',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id bigint NOT NULL REFERENCES production_lots (id) ON DELETE CASCADE,
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE RESTRICT,
    substituted_from_variant_id bigint REFERENCES item_variant (id) ON DELETE RESTRICT,
    quantity numeric(14, 4) NOT NULL CHECK (quantity > 0),
    unit_cost numeric(14, 4) NOT NULL DEFAULT 0,
    consumed_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_lot_consumptions_lot_id', 'lot_consumptions (lot_id)'),
  index('idx_lot_consumptions_variant_id', 'lot_consumptions (variant_id)'),
  index('idx_lot_consumptions_substituted_from', 'lot_consumptions (substituted_from_variant_id)', { where: 'substituted_from_variant_id IS NOT NULL' }),
);

mig(
  'lot_outputs',
  table(
    'lot_outputs',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id bigint NOT NULL REFERENCES production_lots (id) ON DELETE CASCADE,
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE RESTRICT,
    location_id bigint REFERENCES storage_locations (id) ON DELETE SET NULL,
    quantity numeric(14, 4) NOT NULL CHECK (quantity > 0),
    unit_cost numeric(14, 4) NOT NULL DEFAULT 0,
    produced_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_lot_outputs_lot_id', 'lot_outputs (lot_id)'),
  index('idx_lot_outputs_variant_id', 'lot_outputs (variant_id)'),
  index('idx_lot_outputs_location_id', 'lot_outputs (location_id)'),
);

mig(
  'lot_status_history',
  table(
    'lot_status_history',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id bigint NOT NULL REFERENCES production_lots (id) ON DELETE CASCADE,
    from_status text,
    to_status text NOT NULL,
    changed_by bigint REFERENCES users (id) ON DELETE SET NULL,
    changed_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_lot_status_history_lot_id', 'lot_status_history (lot_id, changed_at)'),
  index('idx_lot_status_history_changed_by', 'lot_status_history (changed_by)'),
);

mig(
  'lot_cost_summaries',
  table(
    'lot_cost_summaries',
    `
    lot_id bigint PRIMARY KEY REFERENCES production_lots (id) ON DELETE CASCADE,
    material_cost numeric(16, 4) NOT NULL DEFAULT 0,
    labour_cost numeric(16, 4) NOT NULL DEFAULT 0,
    overhead_cost numeric(16, 4) NOT NULL DEFAULT 0,
    total_cost numeric(16, 4) GENERATED ALWAYS AS (material_cost + labour_cost + overhead_cost) STORED,
    computed_at timestamptz NOT NULL DEFAULT now()`,
  ),
);

// --- inventory -------------------------------------------------------------------

mig(
  'inventory_transactions',
  table(
    'inventory_transactions',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE RESTRICT,
    location_id bigint NOT NULL REFERENCES storage_locations (id) ON DELETE RESTRICT,
    kind txn_kind NOT NULL,
    quantity numeric(14, 4) NOT NULL CHECK (quantity <> 0),
    unit_cost numeric(14, 4) NOT NULL DEFAULT 0,
    lot_id bigint REFERENCES production_lots (id) ON DELETE SET NULL,
    reference text,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id) ON DELETE SET NULL`,
  ),
  index('idx_inventory_transactions_variant_time', 'inventory_transactions (variant_id, occurred_at DESC)'),
  index('idx_inventory_transactions_location_id', 'inventory_transactions (location_id)'),
  index('idx_inventory_transactions_lot_id', 'inventory_transactions (lot_id)', { where: 'lot_id IS NOT NULL' }),
  index('idx_inventory_transactions_created_by', 'inventory_transactions (created_by)'),
  index('idx_inventory_transactions_kind', 'inventory_transactions (kind)'),
  index('idx_inventory_transactions_occurred_brin', 'inventory_transactions (occurred_at)', { using: 'brin' }),
);

mig(
  'inventory_balances',
  table(
    'inventory_balances',
    `
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE CASCADE,
    location_id bigint NOT NULL REFERENCES storage_locations (id) ON DELETE CASCADE,
    quantity numeric(14, 4) NOT NULL DEFAULT 0,
    avg_cost numeric(14, 4) NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (variant_id, location_id)`,
  ),
  index('idx_inventory_balances_location_id', 'inventory_balances (location_id)'),
);

// --- purchasing ------------------------------------------------------------------

mig(
  'purchase_orders',
  table(
    'purchase_orders',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    po_number text NOT NULL UNIQUE,
    supplier_id bigint NOT NULL REFERENCES suppliers (id) ON DELETE RESTRICT,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'partial', 'received', 'cancelled')),
    currency char(3) NOT NULL DEFAULT 'EUR',
    ordered_at timestamptz,
    expected_at date,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_purchase_orders_supplier_id', 'purchase_orders (supplier_id)'),
  index('idx_purchase_orders_status', 'purchase_orders (status)'),
  index('idx_purchase_orders_created_by', 'purchase_orders (created_by)'),
  index('idx_purchase_orders_expected_at', 'purchase_orders (expected_at)', { where: "status IN ('sent', 'partial')" }),
);
mig('purchase_orders_updated_at', touchTrigger('purchase_orders'));

mig(
  'purchase_order_lines',
  table(
    'purchase_order_lines',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    po_id bigint NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    line_no integer NOT NULL CHECK (line_no > 0),
    variant_id bigint NOT NULL REFERENCES item_variant (id) ON DELETE RESTRICT,
    pricing_id bigint REFERENCES variant_supplier_pricing (id) ON DELETE SET NULL,
    quantity numeric(14, 4) NOT NULL CHECK (quantity > 0),
    unit_price numeric(14, 4) NOT NULL CHECK (unit_price >= 0),
    received_qty numeric(14, 4) NOT NULL DEFAULT 0,
    CONSTRAINT purchase_order_lines_key UNIQUE (po_id, line_no)`,
  ),
  index('idx_purchase_order_lines_variant_id', 'purchase_order_lines (variant_id)'),
  index('idx_purchase_order_lines_pricing_id', 'purchase_order_lines (pricing_id)'),
);

// --- imports -----------------------------------------------------------------------

mig(
  'import_jobs',
  table(
    'import_jobs',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    kind text NOT NULL CHECK (kind IN ('items', 'variants', 'suppliers', 'pricing', 'usage')),
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    message text,
    total_rows integer NOT NULL DEFAULT 0,
    processed_rows integer NOT NULL DEFAULT 0,
    success_count integer NOT NULL DEFAULT 0,
    failure_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_import_jobs_user_id', 'import_jobs (user_id)'),
  index('idx_import_jobs_created_at', 'import_jobs (created_at DESC)'),
  index('idx_import_jobs_active', 'import_jobs (status)', { where: "status IN ('queued', 'running')" }),
);
mig('import_jobs_updated_at', touchTrigger('import_jobs'));

mig(
  'import_job_errors',
  table(
    'import_job_errors',
    `
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    row_number integer NOT NULL,
    field text,
    message text NOT NULL,
    raw jsonb`,
  ),
  index('idx_import_job_errors_job_row', 'import_job_errors (job_id, row_number)'),
);

mig(
  'settings',
  table(
    'settings',
    `
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_by bigint REFERENCES users (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()`,
  ),
  index('idx_settings_updated_by', 'settings (updated_by)'),
);

// --- reference data and a backfill ------------------------------------------------

const seed = mig(
  'seed_reference_data',
  raw(
    `
INSERT INTO units_of_measure (code, name, kind, factor_to_base) VALUES
    ('pcs', 'piece', 'count', 1),
    ('box', 'box of 12', 'count', 12),
    ('kg', 'kilogram', 'mass', 1),
    ('g', 'gram', 'mass', 0.001),
    ('m', 'metre', 'length', 1),
    ('mm', 'millimetre', 'length', 0.001),
    ('m2', 'square metre', 'area', 1),
    ('l', 'litre', 'volume', 1),
    ('h', 'hour', 'time', 1),
    ('min', 'minute', 'time', 0.01666667);

INSERT INTO item_categories (code, name) VALUES
    ('RAW', 'Raw materials'), ('CMP', 'Components'), ('SUB', 'Sub-assemblies'), ('FIN', 'Finished goods');

INSERT INTO warehouses (code, name) VALUES ('MAIN', 'Main warehouse'), ('WIP', 'Shop floor');

INSERT INTO storage_locations (warehouse_id, code)
SELECT w.id, format('%s-%s', w.code, lpad(g::text, 2, '0'))
FROM warehouses w CROSS JOIN generate_series(1, 10) AS g;

INSERT INTO work_centers (code, name, hourly_rate) VALUES
    ('CUT', 'Cutting', 42.50), ('WELD', 'Welding', 55.00), ('ASM', 'Assembly', 38.00), ('PAINT', 'Painting', 47.25);

INSERT INTO cost_items (code, name, kind, uom) VALUES
    ('LAB', 'Direct labour', 'labour', 'h'),
    ('OVH', 'Factory overhead', 'overhead', 'h'),
    ('ENE', 'Electricity', 'energy', NULL),
    ('FRT', 'Inbound freight', 'freight', 'kg');`,
    `DELETE FROM cost_items WHERE code IN ('LAB', 'OVH', 'ENE', 'FRT');
DELETE FROM work_centers WHERE code IN ('CUT', 'WELD', 'ASM', 'PAINT');
DELETE FROM storage_locations;
DELETE FROM warehouses WHERE code IN ('MAIN', 'WIP');
DELETE FROM item_categories WHERE code IN ('RAW', 'CMP', 'SUB', 'FIN');
DELETE FROM units_of_measure WHERE code IN ('pcs', 'box', 'kg', 'g', 'm', 'mm', 'm2', 'l', 'h', 'min');`,
    "SELECT 1 / count(*) FROM units_of_measure WHERE code = 'pcs';",
  ),
);

const skuCol = mig('item_variant_sku_normalized', addColumn('item_variant', 'sku_normalized', 'text'));

const backfill = mig(
  'backfill_sample_catalogue',
  { after: [seed, skuCol] },
  raw(
    `
INSERT INTO item_master (code, name, category_id, base_uom, description)
SELECT format('ITM-%s', lpad(g::text, 5, '0')),
       format('Sample item %s', g),
       (SELECT c.id FROM item_categories c ORDER BY c.id OFFSET g % 4 LIMIT 1),
       'pcs',
       'backfilled sample item'
FROM generate_series(1, 200) AS g;

INSERT INTO item_variant (item_id, sku, name, uom, attributes, standard_cost)
SELECT m.id,
       format('%s-V%s', m.code, lpad(v::text, 3, '0')),
       format('%s, variant %s', m.name, v),
       m.base_uom,
       jsonb_build_object('size', (ARRAY['S', 'M', 'L', 'XL'])[1 + v % 4],
                          'colour', (ARRAY['red', 'green', 'blue'])[1 + v % 3]),
       round(((m.id * 7 + v * 13) % 500 + 10)::numeric / 10, 4)
FROM item_master m
CROSS JOIN generate_series(1, 50) AS v
WHERE m.code LIKE 'ITM-%';

UPDATE item_variant
SET sku_normalized = lower(replace(sku, '-', '')),
    standard_cost = round(standard_cost * 1.05, 4)
WHERE sku_normalized IS NULL;

ANALYZE item_master;
ANALYZE item_variant;`,
    `DELETE FROM item_variant WHERE sku LIKE 'ITM-%';
DELETE FROM item_master WHERE code LIKE 'ITM-%';`,
    'SELECT 1 / (count(*) >= 10000)::int FROM item_variant WHERE sku_normalized IS NOT NULL;',
  ),
);

mig(
  'item_variant_sku_normalized_required',
  { after: [backfill] },
  raw(
    'ALTER TABLE item_variant ALTER COLUMN sku_normalized SET NOT NULL;',
    'ALTER TABLE item_variant ALTER COLUMN sku_normalized DROP NOT NULL;',
    "SELECT 1 / count(*) FROM pg_attribute WHERE attrelid = 'item_variant'::regclass AND attname = 'sku_normalized' AND attnotnull;",
  ),
  index('item_variant_sku_normalized_key', 'item_variant (sku_normalized)', { unique: true }),
);

// --- views -----------------------------------------------------------------------

mig(
  'view_variant_current_cost',
  raw(
    `
CREATE VIEW v_variant_current_cost AS
SELECT v.id AS variant_id,
       v.sku,
       v.name,
       v.standard_cost,
       min(p.unit_price) AS best_supplier_price,
       count(p.id) AS supplier_count
FROM item_variant v
LEFT JOIN variant_supplier_pricing p
       ON p.variant_id = v.id AND p.valid_to IS NULL
GROUP BY v.id, v.sku, v.name, v.standard_cost;`,
    'DROP VIEW IF EXISTS v_variant_current_cost;',
    "SELECT 1 / (to_regclass('public.v_variant_current_cost') IS NOT NULL)::int;",
    ['v_variant_current_cost'],
    'view',
  ),
);

mig(
  'view_inventory_on_hand',
  raw(
    `
CREATE VIEW v_inventory_on_hand AS
SELECT b.variant_id,
       v.sku,
       w.code AS warehouse,
       l.code AS location,
       b.quantity,
       b.avg_cost,
       b.quantity * b.avg_cost AS stock_value
FROM inventory_balances b
JOIN item_variant v ON v.id = b.variant_id
JOIN storage_locations l ON l.id = b.location_id
JOIN warehouses w ON w.id = l.warehouse_id
WHERE b.quantity <> 0;`,
    'DROP VIEW IF EXISTS v_inventory_on_hand;',
    "SELECT 1 / (to_regclass('public.v_inventory_on_hand') IS NOT NULL)::int;",
    ['v_inventory_on_hand'],
    'view',
  ),
);

// --- later changes, as a real project accumulates them ------------------------------

mig(
  'suppliers_rating',
  addColumn('suppliers', 'rating', 'smallint CHECK (rating BETWEEN 1 AND 5)'),
  index('idx_suppliers_rating', 'suppliers (rating)', { where: 'rating IS NOT NULL' }),
);

mig(
  'production_lots_priority',
  addColumn('production_lots', 'priority', 'smallint NOT NULL DEFAULT 3'),
  index('idx_production_lots_status_priority', 'production_lots (status, priority)'),
);

mig(
  'inventory_transactions_batch_code',
  addColumn('inventory_transactions', 'batch_code', 'text'),
  index('idx_inventory_transactions_batch_code', 'inventory_transactions (batch_code)', { where: 'batch_code IS NOT NULL' }),
);

mig(
  'item_master_search',
  addColumn(
    'item_master',
    'search_text',
    "tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(code, '') || ' ' || coalesce(name, ''))) STORED",
  ),
  index('idx_item_master_search_text', 'item_master (search_text)', { using: 'gin' }),
);

mig(
  'variant_usage_validity',
  addColumn('variant_usage', 'valid_from', "date NOT NULL DEFAULT DATE '2000-01-01'"),
  addColumn('variant_usage', 'valid_to', 'date'),
  index('idx_variant_usage_parent_valid', 'variant_usage (parent_variant_id, valid_from DESC)'),
);

mig(
  'cost_rates_currency_check',
  addConstraint('cost_rates', 'cost_rates_currency_format', "CHECK (currency ~ '^[A-Z]{3}$')"),
  addConstraint('cost_rates', 'cost_rates_period', 'CHECK (valid_to IS NULL OR valid_to >= valid_from)'),
);

mig(
  'purchase_order_lines_received_check',
  addConstraint('purchase_order_lines', 'purchase_order_lines_received_le_qty', 'CHECK (received_qty >= 0 AND received_qty <= quantity)'),
);

mig(
  'import_jobs_counts_check',
  addConstraint('import_jobs', 'import_jobs_counts', 'CHECK (processed_rows <= total_rows AND success_count + failure_count <= processed_rows)'),
);

mig('audit_log_action_index', index('idx_audit_log_action_time', 'audit_log (action, created_at DESC)'));

mig(
  'warehouses_timezone',
  addColumn('warehouses', 'timezone', "text NOT NULL DEFAULT 'UTC'"),
  index('idx_warehouses_active', 'warehouses (code)', { where: 'is_active' }),
);

mig(
  'settings_defaults',
  raw(
    `
INSERT INTO settings (key, value) VALUES
    ('costing.method', '"standard"'),
    ('costing.currency', '"EUR"'),
    ('inventory.allow_negative', 'false'),
    ('imports.max_rows', '50000');`,
    "DELETE FROM settings WHERE key IN ('costing.method', 'costing.currency', 'inventory.allow_negative', 'imports.max_rows');",
    "SELECT 1 / count(*) FROM settings WHERE key = 'costing.method';",
  ),
);

mig(
  'item_variant_cost_index',
  index('idx_item_variant_standard_cost', 'item_variant (standard_cost)', { where: 'standard_cost > 0' }),
  index('idx_item_variant_name', 'item_variant (lower(name))'),
);

mig('supplier_contacts_role', addColumn('supplier_contacts', 'role', 'text'), index('idx_supplier_contacts_role', 'supplier_contacts (supplier_id, role)'));

mig(
  'processes_active',
  addColumn('processes', 'is_active', 'boolean NOT NULL DEFAULT true'),
  index('idx_processes_active', 'processes (code)', { where: 'is_active' }),
);

// ---------------------------------------------------------------------------
// Dependency graph: a migration requires the migration that created each object
// its SQL names (whole-word match), plus its explicit `after` list.
// ---------------------------------------------------------------------------

const creator = new Map();
for (const m of migrations) {
  m.up = m.steps.map((s) => s.up).join('\n\n');
  m.down = [...m.steps]
    .reverse()
    .map((s) => s.down)
    .join('\n');
  m.verify = m.steps.map((s) => s.verify).join('\n');
  m.creates = m.steps.flatMap((s) => s.creates);
  const reqs = new Set(m.extra);
  const code = m.up.replace(/'(?:[^']|'')*'/g, "''"); // names inside string literals are data
  for (const [name, id] of creator) {
    if (new RegExp(`\\b${name}\\b`).test(code)) reqs.add(id);
  }
  for (const name of m.creates) {
    if (creator.has(name)) throw new Error(`${name} created twice`);
    creator.set(name, m.id);
  }
  m.requires = [...reqs].sort();
}
// Direct references only (what the author of each file would write); the engine
// takes the closure.
for (const m of migrations) for (const r of m.requires) if (!(r < m.id)) throw new Error(`${m.id} requires later ${r}`);

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

const count = (kind) => migrations.reduce((n, m) => n + m.steps.filter((s) => s.kind === kind).length, 0);
const tables = migrations.flatMap((m) => m.steps.filter((s) => s.kind === 'table').flatMap((s) => s.creates));
const views = migrations.flatMap((m) => m.steps.filter((s) => s.kind === 'view').flatMap((s) => s.creates));
const manifest = {
  generator: 'bench/migrate/corpus.mjs',
  migrations: migrations.map((m) => ({ id: m.id, requires: m.requires })),
  counts: {
    migrations: migrations.length,
    tables: tables.length,
    indexes: count('index'),
    triggers: count('trigger'),
    views: views.length,
    doBlocks: count('do'),
    backfillRows: 10000,
  },
  tables,
  views,
  indexes: migrations.flatMap((m) => m.steps.filter((s) => s.kind === 'index').flatMap((s) => s.creates)),
};

export function writeCorpus(dir) {
  dir = resolve(dir);
  for (const sub of ['mtc', 'dbmate', 'node-pg-migrate', 'sqitch', 'all.sql', 'manifest.json']) {
    rmSync(join(dir, sub), { recursive: true, force: true });
  }
  const w = (rel, text) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text.endsWith('\n') ? text : `${text}\n`);
  };

  const header = (m) => (m.requires.length ? `-- requires: ${m.requires.join(' ')}\n` : '');
  const all = ['-- MTC benchmark corpus, all migrations in plan order (run with psql -1)', ''];
  const plan = ['%syntax-version=1.0.0', '%project=mtc_bench', ''];
  const t0 = Date.UTC(2025, 0, 1);
  migrations.forEach((m, i) => {
    // MTC canonical
    w(`mtc/migrations/${m.id}.sql`, `${header(m)}\n${m.up}`);
    // dbmate: version = numeric prefix; each migration in its own transaction (default)
    w(`dbmate/db/migrations/${m.id}.sql`, `-- migrate:up\n${m.up}\n\n-- migrate:down\n${m.down}`);
    // node-pg-migrate 9: SQL migrations split by these comments; numeric prefix orders them
    w(`node-pg-migrate/migrations/${m.id}.sql`, `-- Up Migration\n${m.up}\n\n-- Down Migration\n${m.down}`);
    // sqitch: scripts manage their own transaction
    w(`sqitch/deploy/${m.id}.sql`, `-- Deploy mtc_bench:${m.id} to pg\n${m.requires.map((r) => `-- requires: ${r}\n`).join('')}\nBEGIN;\n\n${m.up}\n\nCOMMIT;`);
    w(`sqitch/revert/${m.id}.sql`, `-- Revert mtc_bench:${m.id} from pg\n\nBEGIN;\n\n${m.down}\n\nCOMMIT;`);
    w(`sqitch/verify/${m.id}.sql`, `-- Verify mtc_bench:${m.id} on pg\n\nBEGIN;\n\n${m.verify}\n\nROLLBACK;`);
    const ts = new Date(t0 + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const deps = m.requires.length ? ` [${m.requires.join(' ')}]` : '';
    plan.push(`${m.id}${deps} ${ts} MTC Bench <bench@example.invalid> # ${m.name.replace(/_/g, ' ')}`);
    all.push(`-- ${m.id}`, m.up, '');
  });
  w('sqitch/sqitch.plan', plan.join('\n'));
  w(
    'sqitch/sqitch.conf',
    [
      '[core]',
      '\tengine = pg',
      '\tplan_file = sqitch.plan',
      '\ttop_dir = .',
      '[deploy]',
      '\tverify = false',
      '[user]',
      '\tname = MTC Bench',
      '\temail = bench@example.invalid',
    ].join('\n'),
  );
  w('all.sql', all.join('\n'));
  w('manifest.json', JSON.stringify(manifest, null, 2));
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(here, '..', '.work', 'corpus');
  if (existsSync(dir) === false) mkdirSync(dir, { recursive: true });
  const m = writeCorpus(dir);
  const c = m.counts;
  console.log(
    `corpus: ${resolve(dir)}: ${c.migrations} migrations, ${c.tables} tables, ${c.indexes} indexes, ` +
      `${c.triggers} triggers, ${c.views} views, ${c.doBlocks} DO block, ${c.backfillRows}-row backfill`,
  );
}
