import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CommandContext } from '../command.ts';
import { plural, withDatabase } from '../project.ts';
import { UsageError } from '../usage.ts';
import { exportCsv } from '../../app/imports/export.ts';
import { ImportError } from '../../app/imports/errors.ts';
import { IMPORT_KIND_NAMES, kindName } from '../../app/imports/kinds/index.ts';
import { PURCHASING_EXPORT_NAMES, isPurchasingExport, purchasingExportCsv } from '../../app/purchasing/export.ts';

export const options = {
  kind: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

export const help = `Usage: mtc export --kind KIND [-o FILE] [--database URL] [--json]

Writes the rows of a kind of import (or a purchasing report) as a CSV file in that import's own columns, so that
mtc import reads it back as it is: into another MTC as the same data (items, then suppliers,
then rates), or into this one as a no-op. UTF-8 with a BOM, CRLF line ends; a cell a
spreadsheet would run as a formula (starting with =, +, - or @) has an apostrophe in front,
which the import takes off again.

Kinds (--kind):
  items      every live item and its live variants, with their stock
  suppliers  every supplier
  rates      every supplier rate, active or not, with its own period (Effective From, To);
             a rate no row could name (of a deleted variant, or shadowed by another with the
             same supplier, variant and Effective From) is left out

Reports (--kind), which no import reads back: a row per line, the order's or receipt's
columns repeated on each, amounts and quantities exact:
  purchase-orders  every purchase order: number, supplier, status, dates, notes, then line,
                   item, colour, size, quantity, received, unit price, tax %, discount %,
                   net, tax and total of the line
  goods-receipts   every goods receipt: number, supplier, order, bill number, day received,
                   tax, discount and totals, then line, item, colour, size, quantity, unit
                   cost and amount (a reversal's quantities negative), the line's charges
                   and its landed unit cost
  receipt-charges  every charge on a receipt (freight, duty, other): a row per charge and
                   line, with the line's share and landed unit cost

Options:
  --kind KIND        items, suppliers, rates, purchase-orders, goods-receipts or receipt-charges
                     (required)
  -o, --output FILE  write the file there (written aside and renamed into place, so a failed
                     export leaves no half file); default: standard output

Exit codes: 0 exported; 2 usage error; 3 could not connect.`;

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`mtc export takes no FILE argument (got ${ctx.positionals.join(' ')}): write to a file with -o FILE`);
  const kindOption = ctx.values.kind;
  if (typeof kindOption !== 'string') throw new UsageError(`mtc export needs --kind: one of ${[...IMPORT_KIND_NAMES, ...PURCHASING_EXPORT_NAMES].join(', ')}`);
  const report = isPurchasingExport(kindOption);
  const kind = report ? kindOption : exportKind(kindOption);
  const output = ctx.values.output;
  if (output === '' || output === true) throw new UsageError('-o needs a FILE');
  if (typeof output === 'string') {
    const dir = await stat(dirname(output)).catch(() => null);
    if (!dir?.isDirectory()) throw new UsageError(`cannot write ${output}: there is no directory ${dirname(output)}`);
  }
  return withDatabase(ctx, async (db) => {
    let rows = 0;
    const onRows = (n: number) => (rows = n);
    const csv = report ? purchasingExportCsv(db, kind, { onRows }) : exportCsv(db, kind, { onRows });
    if (typeof output !== 'string') {
      for await (const piece of csv) if (!ctx.stdout.write(piece)) await once(ctx.stdout, 'drain');
      return 0;
    }
    // Beside the target, so the rename stays on one file system and replaces it in one step.
    const partial = join(dirname(output), `.${basename(output)}.${process.pid}.partial`);
    try {
      await pipeline(Readable.from(csv), createWriteStream(partial));
      await rename(partial, output);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    if (ctx.json) ctx.out(JSON.stringify({ kind, file: output, rows }, null, 2));
    else ctx.out(`Exported ${plural(rows, 'row')} of ${kind} to ${output}.`);
    return 0;
  });
}

/** The import kind named (or its alias); an unknown one is IMPORT_UNKNOWN_KIND naming every kind mtc export writes. */
function exportKind(name: string): string {
  try {
    return kindName(name);
  } catch (err) {
    if (!(err instanceof ImportError) || err.code !== 'IMPORT_UNKNOWN_KIND') throw err;
    const kinds = [...IMPORT_KIND_NAMES, ...PURCHASING_EXPORT_NAMES];
    throw new ImportError('IMPORT_UNKNOWN_KIND', `unknown export kind "${name}": use ${kinds.join(', ')}`, 'usage', { field: 'kind', kinds });
  }
}
