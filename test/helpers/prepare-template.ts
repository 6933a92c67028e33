// Makes the PGlite template directory once (initdb takes seconds; copying it takes milliseconds).
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
