import type { CommandContext } from '../command.ts';
import { withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';

export const options = {
  start: { type: 'string' },
} as const;

export const help = `Usage: mtc lot plan LOT --start YYYY-MM-DD|asap [--database URL] [--json]

plan sets the day a production lot (its id, or its number LOT-YYYYMMDD-NNNNNN) is planned
to start, while it is planning or ready, as a planner does on the lot's page: a day from
today to two years ahead, or asap (as soon as possible: purchase suggestions count it as
today). Purchase suggestions buy for a lot once its day falls within a supplier's lead
time. Audited as the CLI's.

Exit codes: 0 set; 1 no such lot, or it has started; 2 a day not accepted or a usage error;
3 could not connect.`;

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, lot, ...rest] = ctx.positionals;
  if (sub !== 'plan')
    throw new UsageError(`mtc lot ${sub === undefined ? 'needs a subcommand' : `${sub}: no such subcommand`}: the one there is is "plan"; see mtc lot --help`);
  if (lot === undefined || rest.length > 0) throw new UsageError('mtc lot plan takes one LOT (its id or number); see mtc lot --help');
  const start = ctx.values.start;
  if (typeof start !== 'string') throw new UsageError('mtc lot plan needs --start YYYY-MM-DD, or --start asap for as soon as possible');
  const { setPlannedStart } = await import('../../app/lots/lifecycle.ts');
  const { LotError } = await import('../../app/lots/status.ts');
  const { CLI_ACTOR } = await import('../../app/audit/actor.ts');
  const saved = await withDatabase(ctx, async (db) => {
    const found = await db.query<{ id: number }>('SELECT id FROM public.production_lots WHERE lot_number = $1 OR ($2::int IS NOT NULL AND id = $2::int)', [
      lot,
      /^\d{1,9}$/.test(lot) ? Number(lot) : null,
    ]);
    const id = found.rows[0]?.id;
    if (id === undefined) throw new LotError('NOT_FOUND', `no production lot ${lot}: give its id or its number (LOT-YYYYMMDD-NNNNNN)`, 'state', { lot });
    return setPlannedStart(db, id, start.trim().toLowerCase() === 'asap' ? null : start, CLI_ACTOR);
  });
  if (ctx.json)
    ctx.out(JSON.stringify({ lot: { lotId: saved.lotId, lotNumber: saved.lotNumber, status: saved.status, plannedStart: saved.plannedStart } }, null, 2));
  else ctx.out(`Lot ${saved.lotNumber} (${saved.status}) is planned to start ${saved.plannedStart ?? 'as soon as possible'}.`);
  return 0;
}
