import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const pgliteVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }).version;

/** A freshly initialised PGlite data directory, made once per PGlite version and copied by each test. */
export const TEMPLATE_DIR = join(ROOT, 'test', '.artifacts', `pglite-template-${pgliteVersion}`);
