import { createRequire } from 'node:module';
import { join } from 'node:path';

const pgliteVersion = (createRequire(import.meta.url)('@electric-sql/pglite/package.json') as { version: string }).version;

/** A freshly initialised PGlite data directory, made once per PGlite version and copied by each test. */
export const TEMPLATE_DIR = join(new URL('../..', import.meta.url).pathname, 'test', '.artifacts', `pglite-template-${pgliteVersion}`);
