// Makes the PGlite template directories once (initdb takes seconds, migrating another one or
// two; copying one takes milliseconds): an empty database, and one with MTC's migrations.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { TEMPLATE_DIR } from './template.ts';

if (!existsSync(TEMPLATE_DIR)) {
  const tmp = `${TEMPLATE_DIR}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const db = await PGlite.create({ dataDir: tmp });
  await db.query('SELECT 1');
  await db.close();
  await rename(tmp, TEMPLATE_DIR);
}

// Imported only now: it opens databases in the template just made.
const { migratedPgliteTemplate } = await import('./backends.ts');
await migratedPgliteTemplate();
