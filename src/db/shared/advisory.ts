import type { Queryable } from '../types.ts';

// PGlite is one session, so every session-level advisory lock taken through it, by this
// process or by any client of the sharing socket, is that one session's. These helpers list
// them and let go of them one by one, so that what one holder took can be given back
// without touching the others' (pg_advisory_unlock_all would free them all).

/** SQL text that may take or free an advisory lock: a turn that sends it is looked at afterwards. */
const ADVISORY = /advisory/i;

export function mentionsAdvisory(text: string): boolean {
  return ADVISORY.test(text);
}

const HELD_SQL = `SELECT classid::text AS classid, objid::text AS objid, objsubid::int AS objsubid, mode
  FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()`;

/** The session-level (and, inside a transaction, transaction-level) advisory locks this session holds: key → the SQL that frees it. */
export async function heldAdvisoryLocks(q: Queryable): Promise<Map<string, string>> {
  const rows = (await q.query<{ classid: string; objid: string; objsubid: number | string; mode: string }>(HELD_SQL)).rows;
  const held = new Map<string, string>();
  for (const r of rows) {
    const shared = r.mode === 'ShareLock' ? '_shared' : '';
    const args =
      Number(r.objsubid) === 2
        ? `${int4(r.classid)}, ${int4(r.objid)}`
        : // one bigint key: its high half in classid, its low half in objid
          String(BigInt.asIntN(64, (BigInt(r.classid) << 32n) | BigInt(r.objid)));
    held.set(`${r.classid}:${r.objid}:${r.objsubid}:${r.mode}`, `SELECT pg_advisory_unlock${shared}(${args})`);
  }
  return held;
}

/** An int4 key as pg_locks shows it (an unsigned oid) back to the int4 it was. */
function int4(oid: string): number {
  const n = Number(oid);
  return n >= 2 ** 31 ? n - 2 ** 32 : n;
}

/**
 * Who took which advisory lock of the one session: the sharing server keeps one, so that a
 * client that goes away (killed, say) has its locks given back, and no one else's.
 * Attribution is by difference: the locks held after a holder's turn that were not held
 * before it are that holder's. A turn is looked at only when its SQL names an advisory lock
 * (`mentionsAdvisory`); a lock taken inside a function whose call does not say so is not seen.
 */
export class AdvisoryLocks<Owner> {
  readonly #owners = new Map<string, { owner: Owner; unlock: string }>();
  #stale = true;

  /** Notes SQL run outside the attributed turns (this process's own): the next turn start looks again. */
  note(sql: string): void {
    if (mentionsAdvisory(sql)) this.#stale = true;
  }

  /** Looks again when this process's own SQL may have changed the locks; those changes are `owner`'s. */
  async refreshIfStale(q: Queryable, owner: Owner): Promise<void> {
    if (this.#stale) await this.refresh(q, owner);
  }

  /** Reads the locks held now: new ones are `owner`'s, vanished ones are forgotten. The session must not be in a failed transaction. */
  async refresh(q: Queryable, owner: Owner): Promise<void> {
    const held = await heldAdvisoryLocks(q);
    for (const key of [...this.#owners.keys()]) if (!held.has(key)) this.#owners.delete(key);
    for (const [key, unlock] of held) if (!this.#owners.has(key)) this.#owners.set(key, { owner, unlock });
    this.#stale = false;
  }

  /** Frees every lock `owner` holds. */
  async releaseAll(q: Queryable, owner: Owner): Promise<void> {
    for (const [key, held] of [...this.#owners]) {
      if (held.owner !== owner) continue;
      await q.query(held.unlock);
      this.#owners.delete(key);
    }
  }

  /** How many locks `owner` holds (for tests and logs). */
  count(owner: Owner): number {
    return [...this.#owners.values()].filter((h) => h.owner === owner).length;
  }
}
