// The zone in which adoption reads `timestamp without time zone` values: a column without a
// zone holds a wall-clock time, and only the zone the old application wrote it in makes it an
// instant. Left to the session, the same dump restored on a server in another zone (or opened
// by a client that sets its own) would move every old time by the difference.
import type { Queryable } from '../../db/types.ts';
import { MtcError } from '../../errors.ts';

/** The zone adoption used, and where it came from: the caller's choice or the database's own setting. */
export interface ChosenTimeZone {
  name: string;
  from: 'option' | 'database';
}

/**
 * The zone of that name as the server spells it (`asia/kolkata` → `Asia/Kolkata`), from
 * `pg_timezone_names`. Anything else is UNKNOWN_TIMEZONE (usage): abbreviations (`IST` is
 * Israel's to PostgreSQL) and offsets (`+05:30` reads as POSIX, west of Greenwich) included,
 * since both would silently give another zone than the one meant.
 */
export async function knownTimeZone(q: Queryable, name: string): Promise<string> {
  const rows = (
    await q.query<{ name: string }>('SELECT name FROM pg_catalog.pg_timezone_names WHERE lower(name) = lower($1) ORDER BY name = $1 DESC, name LIMIT 1', [name])
  ).rows;
  const found = rows[0]?.name;
  if (found === undefined) {
    throw new MtcError(
      'UNKNOWN_TIMEZONE',
      `time zone "${name}" is not one this server knows: give a zone's name (such as Asia/Kolkata or UTC, not an abbreviation or an offset); list them with SELECT name FROM pg_timezone_names ORDER BY name`,
      'usage',
      { zone: name },
    );
  }
  return found;
}

/** Where the session's TimeZone was set from: those that may not be the database's own. */
const SET_BY_THE_CLIENT = ['client', 'session'];

/**
 * The TimeZone the database gives a session of this login role that asks for none: a setting
 * for this role in this database, else for this role, else for this database (`ALTER DATABASE
 * … SET TimeZone`), else the server's configuration. Not the current session's, which the
 * client may have set (a connection option, PGOPTIONS, a SET) and which PGlite does not take
 * from the database's setting at all. Throws DATABASE_TIMEZONE_UNKNOWN (usage) when the client set the
 * session's and the server's configuration cannot be read by this role.
 */
export async function databaseTimeZone(q: Queryable): Promise<string> {
  const [own] = (
    await q.query<{ zone: string }>(
      `SELECT substr(c.setting, strpos(c.setting, '=') + 1) AS zone
         FROM pg_catalog.pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c(setting)
        WHERE lower(split_part(c.setting, '=', 1)) = 'timezone'
          AND s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))
          AND s.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = session_user))
        ORDER BY s.setdatabase <> 0 AND s.setrole <> 0 DESC, s.setrole <> 0 DESC
        LIMIT 1`,
    )
  ).rows;
  if (own) return own.zone;
  const [session] = (await q.query<{ setting: string; source: string }>(`SELECT setting, source FROM pg_catalog.pg_settings WHERE name = 'TimeZone'`)).rows;
  if (session && !SET_BY_THE_CLIENT.includes(session.source)) return session.setting;
  const [readable] = (await q.query<{ ok: boolean }>(`SELECT pg_catalog.has_function_privilege('pg_catalog.pg_show_all_file_settings()', 'EXECUTE') AS ok`))
    .rows;
  if (readable?.ok) {
    const [configured] = (
      await q.query<{ setting: string }>(`SELECT setting FROM pg_catalog.pg_file_settings WHERE name = 'timezone' AND applied ORDER BY seqno DESC LIMIT 1`)
    ).rows;
    if (configured) return configured.setting;
  }
  throw new MtcError(
    'DATABASE_TIMEZONE_UNKNOWN',
    `cannot tell this database's own time zone: the connection set its own (TimeZone ${session?.setting ?? '?'}, from the ${session?.source ?? 'client'}), and the server's configuration is not readable by this role; name the zone the old application wrote its times in (mtc adopt --timezone ZONE)`,
    'usage',
  );
}

/** The zone `requested` (checked), or without one the database's own. */
export async function chooseTimeZone(q: Queryable, requested: string | undefined): Promise<ChosenTimeZone> {
  return requested === undefined ? { name: await databaseTimeZone(q), from: 'database' } : { name: await knownTimeZone(q, requested), from: 'option' };
}
