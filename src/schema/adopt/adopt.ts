import type { Database, Queryable, Session } from '../../db/types.ts';
import { DatabaseError } from '../../db/types.ts';
import { compareModels, formatFinding } from '../catalog/compare.ts';
import { changesTimeZone, combineTableAlterations, conversion, diffModels } from '../catalog/diff.ts';
import { inspect } from '../catalog/inspect.ts';
import type { SchemaModel, TableModel } from '../catalog/model.ts';
import { createIndex, qualified, quoteIdent } from '../catalog/render.ts';
import { ENGINE_SCHEMA } from '../engine-tables.ts';
import { MtcError } from '../../errors.ts';
import { recordSchema } from '../migrations/drift.ts';
import { CREATE_LEDGER_SQL, LEDGER_TABLE, compareLedger, readLedger, sqlLiteral } from '../migrations/ledger.ts';
import { acquireSchemaLock, releaseSchemaLock } from '../migrations/lock.ts';
import { assertUnchanged } from '../migrations/migrate.ts';
import type { Plan } from '../migrations/plan.ts';
import { adoptionTarget, extraColumns, involvesColumns, unmanagedObjects } from './target.ts';
import { chooseTimeZone } from './timezone.ts';
import type { ChosenTimeZone } from './timezone.ts';
import type { AdoptAction, AdoptContext, AdoptNote, AdoptOptions, AdoptResult } from './types.ts';

/** Objects adoption left in place outside the declared schema; `verify` does not call them drift. */
export const UNMANAGED_TABLE = `${ENGINE_SCHEMA}.mtc_schema_unmanaged`;
/** Rows adoption merged away, kept whole. */
export const ARCHIVE_TABLE = `${ENGINE_SCHEMA}.mtc_schema_archive`;

const CREATE_UNMANAGED_SQL = `CREATE TABLE IF NOT EXISTS ${UNMANAGED_TABLE} (
  pattern text PRIMARY KEY,
  reason text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
)`;

const CREATE_ARCHIVE_SQL = `CREATE TABLE IF NOT EXISTS ${ARCHIVE_TABLE} (
  id bigserial PRIMARY KEY,
  table_name text NOT NULL,
  row_data jsonb NOT NULL,
  merged_into text,
  reason text NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now()
)`;

/** Whether a table exists, asked without an error (which would abort a transaction). */
async function tableExists(q: Queryable, name: string): Promise<boolean> {
  // Without parameters, and answering by a row or none: verify reads this over the lean client.
  const r = await q.query(`SELECT 1 WHERE pg_catalog.to_regclass(${sqlLiteral(name)}) IS NOT NULL`);
  return r.rows.length === 1;
}

/** The unmanaged patterns adoption recorded in this database; none when it was never adopted. */
export async function readUnmanaged(q: Queryable): Promise<string[]> {
  if (!(await tableExists(q, UNMANAGED_TABLE))) return [];
  return (await q.query<{ pattern: string }>(`SELECT pattern FROM ${UNMANAGED_TABLE} ORDER BY pattern`)).rows.map((r) => r.pattern);
}

/**
 * Brings a database the migrations did not make under management, in one transaction under
 * the schema lock: maps its data (the project's `mapping`), converges its structure to the
 * declared schema without dropping anything that holds data, keeps what is outside the
 * declared schema as unmanaged, records every migration as adopted, and commits only if the
 * result then matches the declared schema exactly. A dry run does all of it and rolls back.
 * Run again on an adopted database, it finds nothing to do and writes nothing. Values of
 * `timestamp without time zone` are read in `options.timeZone`, or the database's own
 * TimeZone setting, never the session's; the result names the zone.
 *
 * Throws `UNKNOWN_TIMEZONE` (before taking the lock), `ADOPT_MANAGED` for a database where migrations were applied and some are pending
 * (that is `migrate`'s work), `ADOPT_INCOMPLETE` when the result would not match, and any
 * mapping's own error; the database is then exactly as it was.
 */
export async function adopt(db: Database, plan: Plan, options: AdoptOptions): Promise<AdoptResult> {
  return db.session(async (lockSession) => {
    const zone = await chooseTimeZone(lockSession, options.timeZone);
    await acquireSchemaLock(lockSession, options.lockTimeoutMs ?? 60_000);
    try {
      return await db.session(async (work) => {
        await work.exec("SET client_connection_check_interval = '1s'").catch(() => {});
        await work.exec('BEGIN');
        try {
          // What the mapping leaves implicit (a cast, CURRENT_DATE) follows the chosen zone too.
          await work.query("SELECT pg_catalog.set_config('TimeZone', $1, true)", [zone.name]);
          // A function's body may name a table or view the structure step creates after it (as
          // pg_dump and mtc schema dump do, bodies are checked when called, not when created).
          await work.exec('SET LOCAL check_function_bodies = off');
          const result = await new Adoption(work, plan, options, zone).execute();
          await work.exec(options.dryRun || result.actions.length === 0 ? 'ROLLBACK' : 'COMMIT');
          return result;
        } catch (err) {
          await work.exec('ROLLBACK').catch(() => {});
          throw err;
        }
      });
    } finally {
      await releaseSchemaLock(lockSession).catch(() => {});
    }
  });
}

const tableKey = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

/** `name` or `schema.name` as [schema, name]. */
function splitName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot < 0 ? ['public', name] : [name.slice(0, dot), name.slice(dot + 1)];
}

/** A default that is a constant (no function call): a column equal to it everywhere holds nothing. */
function constantDefault(expr: string | null): string | null {
  if (expr === null || /\w\s*\(/.test(expr)) return null;
  return expr;
}

class Adoption implements AdoptContext {
  /** The transaction's session as the mapping gets it: whatever is sent through it counts as a change. */
  readonly q: Queryable;
  /** The same session, for the engine's own reads and savepoints. */
  readonly #session: Session;
  readonly plan: Plan;
  readonly options: AdoptOptions;
  readonly zone: ChosenTimeZone;
  live: SchemaModel = { schemas: [], extensions: [], enums: [], sequences: [], tables: [], views: [], functions: [] };
  readonly target: SchemaModel;
  readonly timeZone: string;
  /** Columns whose wall-clock times become instants in `timeZone`. */
  readonly #zoned: string[] = [];
  readonly #notes: AdoptNote[] = [];
  readonly #actions: AdoptAction[] = [];
  #step = 'prepare';
  #archived = 0;
  #savepoints = 0;
  #archiveReady = false;
  /** Statements that may have changed the database so far, and how many `live` has seen. */
  #changes = 0;
  #changesSeen = -1;

  constructor(q: Session, plan: Plan, options: AdoptOptions, zone: ChosenTimeZone) {
    this.#session = q;
    this.q = {
      query: (sql, params) => {
        this.#changes++;
        return q.query(sql, params);
      },
      exec: (sql) => {
        this.#changes++;
        return q.exec(sql);
      },
    };
    this.plan = plan;
    this.options = options;
    this.zone = zone;
    this.target = options.target;
    this.timeZone = zone.name;
  }

  async execute(): Promise<AdoptResult> {
    const progress = this.options.onProgress ?? (() => {});
    const status = compareLedger(this.plan.order, (await tableExists(this.#session, LEDGER_TABLE)) ? await readLedger(this.#session) : []);
    assertUnchanged(status);
    if (status.applied.some((a) => a.how === 'applied') && status.pending.length > 0) {
      throw new MtcError(
        'ADOPT_MANAGED',
        `this database is already managed: ${status.applied.length} migration(s) applied, ${status.pending.length} pending. Apply the rest with mtc migrate; adopt is for databases the migrations did not make`,
        'state',
      );
    }
    const recorded = await readUnmanaged(this.#session);
    let configured = [...(this.options.unmanaged ?? []), ...recorded];

    progress('reading the database');
    await this.#refresh();
    const before = compareModels(this.target, this.live, { unmanaged: configured });
    this.#findUnindexedForeignKeys();

    progress('mapping data onto the declared schema');
    this.#step = 'prepare';
    await this.#indexForeignKeysFirst();
    await this.options.mapping?.prepare?.(this);
    await this.#refresh();

    progress('converging the structure');
    this.#step = 'structure';
    await this.#renameLookalikes();
    await this.#refresh();
    await this.#fillNulls();
    await this.#checkConversions();
    const plan = diffModels(this.live, adoptionTarget(this.target, this.live), { allowDrop: true, timeZone: this.timeZone });
    for (const s of combineTableAlterations(plan.statements)) await this.run(s.sql, s.comment ?? 'bring the structure to the declared schema');
    await this.#refresh();

    progress('completing the data');
    this.#step = 'complete';
    await this.options.mapping?.complete?.(this);
    await this.#refresh();

    this.#step = 'columns';
    const keptColumns = await this.#settleExtraColumns();
    await this.#refresh();

    this.#step = 'unmanaged';
    const unmanaged = [...new Set([...unmanagedObjects(this.target, this.live), ...keptColumns])].sort();
    for (const pattern of unmanaged)
      if (!configured.includes(pattern)) this.note({ kind: 'unmanaged', object: pattern, message: 'outside the declared schema: kept as it is' });
    // What an earlier adoption left unmanaged and is no longer outside the declared schema (the
    // mapping took it in, or the declared schema now has it) is no longer recorded so.
    const stale = recorded.length === 0 ? [] : await this.#staleUnmanaged(recorded, unmanaged);
    if (stale.length > 0) {
      await this.run(
        `DELETE FROM ${UNMANAGED_TABLE} WHERE pattern IN (${stale.map(sqlLiteral).join(', ')})`,
        `${stale.length} object(s) an earlier adoption left unmanaged are no longer outside the declared schema`,
      );
      for (const p of stale) recorded.splice(recorded.indexOf(p), 1);
      configured = [...(this.options.unmanaged ?? []), ...recorded];
    }
    const toRecord = unmanaged.filter((p) => !recorded.includes(p));
    if (toRecord.length > 0) {
      await this.run(CREATE_UNMANAGED_SQL, 'the list of objects left unmanaged');
      const values = toRecord.map((p) => `(${sqlLiteral(p)}, 'left in place by mtc adopt')`).join(', ');
      await this.run(
        `INSERT INTO ${UNMANAGED_TABLE} (pattern, reason) VALUES ${values}`,
        `record ${toRecord.length} object(s) as unmanaged, so that verify lists them and does not call them drift`,
      );
    }

    this.#step = 'ledger';
    const inLedger = new Set(status.applied.map((a) => a.id));
    const adopted = this.plan.order.filter((m) => !inLedger.has(m.id));
    if (adopted.length > 0) {
      await this.run(CREATE_LEDGER_SQL, 'the migration ledger');
      const values = adopted.map((m) => `(${sqlLiteral(m.id)}, ${sqlLiteral(m.checksum)}, 'adopted')`).join(', ');
      await this.run(`INSERT INTO ${LEDGER_TABLE} (id, checksum, how) VALUES ${values}`, `record ${adopted.length} migration(s) as adopted`);
      await recordSchema(this.q, adopted[adopted.length - 1]!.id);
    }

    progress('checking the result');
    await this.#refresh();
    const after = compareModels(this.target, this.live, { unmanaged: [...configured, ...unmanaged] });
    const drift = after.filter((f) => f.kind !== 'unmanaged' && f.kind !== 'ignored');
    if (drift.length > 0) {
      const shown = drift.slice(0, 20).map((f) => `  ${formatFinding(f)}`);
      if (drift.length > shown.length) shown.push(`  … and ${drift.length - shown.length} more`);
      throw new MtcError(
        'ADOPT_INCOMPLETE',
        `adoption would not leave the database matching the declared schema; nothing was changed:\n${shown.join('\n')}`,
        'state',
        { findings: drift },
      );
    }
    return {
      dryRun: this.options.dryRun === true,
      before,
      notes: this.#notes,
      actions: this.#actions,
      unmanaged: [...new Set([...recorded, ...unmanaged])].sort(),
      adopted: adopted.map((m) => m.id),
      archived: this.#archived,
      timeZone: { ...this.zone, columns: this.#zoned },
    };
  }

  // --- AdoptContext -------------------------------------------------------------------------

  async hasColumn(table: string, column: string): Promise<boolean> {
    // While nothing has changed since the model was read, a table it holds answers for the catalog.
    const known = this.#changesSeen === this.#changes ? this.#table(table) : undefined;
    if (known) return known.columns.some((c) => c.name === column);
    const [schema, name] = splitName(table);
    const rows = await this.select(
      `SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')`,
      [schema, name, column],
    );
    return rows.length > 0;
  }

  async run(sql: string, why: string, params?: readonly unknown[]): Promise<number> {
    let rows = 0;
    try {
      rows = params ? (await this.#session.query(sql, params)).rowCount : (await this.#session.query(sql)).rowCount;
    } catch (err) {
      if (err instanceof DatabaseError) {
        throw new MtcError(
          'ADOPT_STEP_FAILED',
          `adoption stopped at a step (${why}); nothing was changed.\n  ${sql.split('\n')[0]}\n  PostgreSQL: ${err.message}${err.detail ? `\n  ${err.detail}` : ''}`,
          'state',
          {
            sql,
            why,
            code: err.code,
          },
        );
      }
      throw err;
    }
    // A data statement that touched no row changed nothing: not a step of the report.
    if (rows > 0 || !/^\s*(?:WITH\b[\s\S]*?\)\s*)?(?:INSERT|UPDATE|DELETE)\b/i.test(sql)) {
      this.#actions.push({ step: this.#step, why, sql, rows });
      this.#changes++;
    }
    return rows;
  }

  async select<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.#session.query<R>(sql, params)).rows;
  }

  note(note: AdoptNote): void {
    this.#notes.push(note);
  }

  async archive(table: string, where: string, mergedInto: string, why: string, options: { as?: string } = {}): Promise<number> {
    const [schema, name] = splitName(table);
    const target = qualified(schema, name);
    if (!this.#archiveReady) await this.q.exec(CREATE_ARCHIVE_SQL);
    this.#archiveReady = true;
    const moved = await this.run(
      `INSERT INTO ${ARCHIVE_TABLE} (table_name, row_data, merged_into, reason) SELECT ${sqlLiteral(options.as ?? `${schema}.${name}`)}, to_jsonb(t), (${mergedInto})::text, ${sqlLiteral(why)} FROM ${target} t WHERE ${where}`,
      `archive: ${why}`,
    );
    await this.run(`DELETE FROM ${target} t WHERE ${where}`, why);
    this.#archived += moved;
    return moved;
  }

  async attempt(fn: () => Promise<void>): Promise<Error | null> {
    const sp = `mtc_adopt_${++this.#savepoints}`;
    const [actions, archived, notes, changes] = [this.#actions.length, this.#archived, this.#notes.length, this.#changes];
    await this.#session.exec(`SAVEPOINT ${sp}`);
    try {
      await fn();
      await this.#session.exec(`RELEASE SAVEPOINT ${sp}`);
      return null;
    } catch (err) {
      await this.#session.exec(`ROLLBACK TO SAVEPOINT ${sp}`);
      this.#actions.length = actions;
      this.#notes.length = notes;
      this.#archived = archived;
      this.#changes = changes;
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  async quietly<T>(table: string, fn: () => Promise<T>): Promise<T> {
    const [schema, name] = splitName(table);
    const triggers = await this.select<{ name: string }>(
      `SELECT t.tgname AS name FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND NOT t.tgisinternal AND t.tgenabled = 'O' ORDER BY t.tgname`,
      [schema, name],
    );
    if (triggers.length === 0) return fn();
    const target = qualified(schema, name);
    const each = (verb: string) => triggers.map((t) => `${verb} TRIGGER ${quoteIdent(t.name)}`).join(', ');
    const names = triggers.map((t) => t.name).join(', ');
    const sp = `mtc_adopt_${++this.#savepoints}`;
    const changes = this.#changes;
    await this.#session.exec(`SAVEPOINT ${sp}`);
    await this.run(`ALTER TABLE ${target} ${each('DISABLE')}`, `${schema}.${name}: its triggers (${names}) do not fire while adoption maps its data`);
    const mark = this.#actions.length;
    const out = await fn();
    if (this.#actions.length === mark) {
      // fn changed nothing: neither did this, and a run with nothing to do reports no step.
      await this.#session.exec(`ROLLBACK TO SAVEPOINT ${sp}`);
      this.#actions.length = mark - 1;
      this.#changes = changes;
    } else {
      await this.run(`ALTER TABLE ${target} ${each('ENABLE')}`, `${schema}.${name}: its triggers (${names}) fire again`);
    }
    await this.#session.exec(`RELEASE SAVEPOINT ${sp}`);
    return out;
  }

  // --- steps --------------------------------------------------------------------------------

  /** Recorded patterns adoption wrote ('left in place by mtc adopt') whose object is no longer left unmanaged now. */
  async #staleUnmanaged(recorded: readonly string[], unmanaged: readonly string[]): Promise<string[]> {
    const gone = recorded.filter((p) => !unmanaged.includes(p));
    if (gone.length === 0) return [];
    const rows = await this.select<{ pattern: string }>(
      `SELECT pattern FROM ${UNMANAGED_TABLE} WHERE reason = 'left in place by mtc adopt' AND pattern IN (${gone.map(sqlLiteral).join(', ')}) ORDER BY pattern`,
    );
    return rows.map((r) => r.pattern);
  }

  /**
   * Reads the model again, unless no statement that may change the database has run since it
   * was last read (a run with little or nothing to do would otherwise read it seven times).
   */
  async #refresh(): Promise<void> {
    if (this.#changesSeen === this.#changes) return;
    this.#changesSeen = this.#changes;
    this.live = await inspect(this.#session);
  }

  #table(name: string): TableModel | undefined {
    const [schema, table] = splitName(name);
    return this.live.tables.find((t) => t.schema === schema && t.name === table);
  }

  /** Foreign keys whose columns do not lead any index: every delete of a parent row scans the child table. */
  #findUnindexedForeignKeys(): void {
    for (const t of this.live.tables) {
      for (const fk of t.constraints.filter((c) => c.kind === 'foreign key')) {
        const covered = t.indexes.some((i) => i.predicate === null && fk.columns.every((c, n) => i.keys[n] === c));
        if (!covered)
          this.note({
            kind: 'not-indexed',
            object: `${tableKey(t)}.${fk.name}`,
            message: `foreign key (${fk.columns.join(', ')}) has no index that starts with its columns`,
          });
      }
    }
  }

  /**
   * The declared indexes that serve foreign keys, built before the mapping where their
   * columns are already as declared: merging duplicates re-points references and deletes
   * referenced rows, and without them every such statement scans the referencing table.
   * Built now or later makes no difference to the result; one that cannot be built now
   * (a name taken by another relation) is left to the structure step.
   */
  async #indexForeignKeysFirst(): Promise<void> {
    for (const d of this.target.tables) {
      const t = this.#table(tableKey(d));
      if (!t) continue;
      const liveShapes = new Set(t.indexes.map((i) => i.shape));
      for (const i of d.indexes) {
        if (i.constraint !== null || i.unique || i.predicate !== null || liveShapes.has(i.shape) || t.indexes.some((x) => x.name === i.name)) continue;
        const serves = d.constraints.some((fk) => fk.kind === 'foreign key' && fk.columns.every((c, n) => i.keys[n] === c));
        const ready = i.keys.every((k) => {
          const want = d.columns.find((c) => c.name === k);
          return want !== undefined && t.columns.some((c) => c.name === k && c.type === want.type);
        });
        if (!serves || !ready) continue;
        await this.attempt(() =>
          this.run(createIndex(i), `the index for a foreign key first, so that the mapping does not scan ${tableKey(t)}`).then(() => {}),
        );
      }
    }
  }

  /**
   * A constraint or index the declared schema names one way and the database another, with
   * the same definition, is renamed rather than dropped and built again.
   */
  async #renameLookalikes(): Promise<void> {
    const declared = new Map(this.target.tables.map((t) => [tableKey(t), t]));
    for (const t of this.live.tables) {
      const d = declared.get(tableKey(t));
      if (!d) continue;
      const table = qualified(t.schema, t.name);
      const liveNames = new Set([...t.constraints.map((c) => c.name), ...t.indexes.map((i) => i.name)]);
      const taken = new Set<string>();
      for (const want of d.constraints) {
        if (liveNames.has(want.name)) continue;
        const same = t.constraints.find(
          (c) => !taken.has(c.name) && !d.constraints.some((x) => x.name === c.name) && c.kind === want.kind && c.definition === want.definition,
        );
        if (!same) continue;
        taken.add(same.name);
        this.note({ kind: 'oddly-named', object: `${tableKey(t)}.${same.name}`, message: `is the declared ${want.kind} ${want.name} under another name` });
        await this.run(
          `ALTER TABLE ${table} RENAME CONSTRAINT ${quoteIdent(same.name)} TO ${quoteIdent(want.name)}`,
          `${same.name} is the declared ${want.name}`,
        );
      }
      for (const want of d.indexes) {
        if (want.constraint !== null || liveNames.has(want.name)) continue;
        const same = t.indexes.find((i) => !taken.has(i.name) && i.constraint === null && !d.indexes.some((x) => x.name === i.name) && i.shape === want.shape);
        if (!same) continue;
        taken.add(same.name);
        this.note({ kind: 'oddly-named', object: `${tableKey(t)}.${same.name}`, message: `is the declared index ${want.name} under another name` });
        await this.run(`ALTER INDEX ${qualified(t.schema, same.name)} RENAME TO ${quoteIdent(want.name)}`, `${same.name} is the declared ${want.name}`);
      }
    }
  }

  /**
   * NULLs in a column the declared schema makes NOT NULL take the declared default (the table's
   * own triggers quiet: filling a gap is not an edit); without one, adoption stops.
   */
  async #fillNulls(): Promise<void> {
    for (const d of this.target.tables) {
      const t = this.#table(tableKey(d));
      if (!t) continue;
      for (const want of d.columns.filter((c) => c.notNull)) {
        const have = t.columns.find((c) => c.name === want.name);
        if (!have || have.notNull) continue;
        const col = quoteIdent(want.name);
        const table = qualified(t.schema, t.name);
        const [{ n }] = (await this.select<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${col} IS NULL`)) as [{ n: string }];
        if (n === '0') continue;
        if (want.default === null || want.identity !== null) {
          throw new MtcError(
            'ADOPT_NULLS',
            `${tableKey(t)}.${want.name}: ${n} row(s) hold NULL, and the declared schema requires a value with no default to give; fill them, then run mtc adopt again`,
            'state',
            {
              table: tableKey(t),
              column: want.name,
              rows: Number(n),
            },
          );
        }
        await this.quietly(tableKey(t), () =>
          this.run(
            `UPDATE ${table} SET ${col} = ${want.default} WHERE ${col} IS NULL`,
            `${tableKey(t)}.${want.name} becomes NOT NULL: ${n} empty value(s) take the default ${want.default}`,
          ),
        );
      }
    }
  }

  /**
   * A column whose type changes must keep every value: converted and back, each must come out
   * the same (a wall-clock time that does not exist in the zone, skipped by a change to summer
   * time, does not). Notes the columns whose times become instants in the chosen zone.
   */
  async #checkConversions(): Promise<void> {
    for (const d of this.target.tables) {
      const t = this.#table(tableKey(d));
      if (!t) continue;
      for (const want of d.columns) {
        const have = t.columns.find((c) => c.name === want.name);
        if (!have || have.type === want.type) continue;
        const zoned = changesTimeZone(have.type, want.type);
        if (zoned) this.#zoned.push(`${tableKey(t)}.${want.name}`);
        const col = quoteIdent(want.name);
        const roundTrip = conversion(`(${conversion(col, have.type, want.type, this.timeZone)})`, want.type, have.type, this.timeZone);
        let lost = '0';
        const failed = await this.attempt(async () => {
          const [row] = await this.select<{ n: string }>(
            `SELECT count(*)::text AS n FROM ${qualified(t.schema, t.name)} WHERE ${col} IS NOT NULL AND ${roundTrip} IS DISTINCT FROM ${col}`,
          );
          lost = row?.n ?? '0';
        });
        if (failed) lost = `some (${failed.message})`;
        if (lost !== '0') {
          const why = zoned
            ? ` read as ${this.timeZone} time (a time the clocks skipped there does not exist); if the old application wrote them in another zone, name it, else correct them`
            : '; correct them';
          throw new MtcError(
            'ADOPT_WOULD_LOSE_DATA',
            `${tableKey(t)}.${want.name}: ${lost} value(s) would not survive the change from ${have.type} to ${want.type}${why}, then run mtc adopt again`,
            'state',
            { table: tableKey(t), column: want.name, from: have.type, to: want.type },
          );
        }
      }
    }
  }

  /**
   * Columns of declared tables that the declared schema lacks: dropped when they hold nothing
   * (every value NULL, or the column's constant default) and nothing depends on them; kept
   * otherwise, as unmanaged, and made nullable so that the application's inserts still work.
   * Returns the unmanaged patterns of what was kept.
   */
  async #settleExtraColumns(): Promise<string[]> {
    const kept: string[] = [];
    for (const d of this.target.tables) {
      const t = this.#table(tableKey(d));
      if (!t) continue;
      const table = qualified(t.schema, t.name);
      for (const c of extraColumns(d, t)) {
        const col = quoteIdent(c.name);
        const constant = constantDefault(c.default);
        const holding = constant === null ? `${col} IS NOT NULL` : `${col} IS NOT NULL AND ${col} IS DISTINCT FROM ${constant}`;
        const [row] = await this.select<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${holding}`);
        const where = `${tableKey(t)}.${c.name}`;
        if (row?.n === '0') {
          const failed = await this.attempt(async () => {
            await this.run(`ALTER TABLE ${table} DROP COLUMN ${col}`, `${where} is not in the declared schema and holds no data`);
          });
          if (!failed) continue;
          const reason = failed.message.split('PostgreSQL: ')[1]?.split('\n')[0] ?? failed.message;
          this.note({ kind: 'kept', object: where, message: `not in the declared schema, but other objects depend on it: kept (${reason})` });
        } else {
          this.note({ kind: 'kept', object: where, message: `not in the declared schema, and ${row?.n} row(s) hold a value in it: kept as it is` });
        }
        if (c.notNull && c.default === null && c.identity === null) {
          await this.run(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP NOT NULL`, `${where} is kept but not declared: the application does not fill it`);
        }
        kept.push(where);
        for (const k of t.constraints) if (involvesColumns(k, [c.name])) kept.push(`${tableKey(t)}.${k.name}`);
        for (const i of t.indexes) if (i.constraint === null && involvesColumns(i, [c.name])) kept.push(`${tableKey(t)}.${i.name}`);
      }
    }
    return kept;
  }
}
