import { readFile } from 'node:fs/promises';
import { UsageError } from './usage.ts';

/** `mtc.config.json`: what the project does not manage, so that verify does not call it drift. */
export interface ProjectConfig {
  /** Objects never reported (patterns `schema.name` or `name`, `*` matches any run of characters). */
  ignore: string[];
  /** Objects that exist but are not MTC's (legacy tables, say): listed as unmanaged, never as drift. */
  unmanaged: string[];
}

export const CONFIG_FILE = 'mtc.config.json';

/** Reads the config; a missing file is an empty config, a malformed one a usage error naming the field. */
export async function loadConfig(path = CONFIG_FILE): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ignore: [], unmanaged: [] };
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${path}: expected an object such as {"ignore": [], "unmanaged": []}`);
  const config: ProjectConfig = { ignore: [], unmanaged: [] };
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema' || key === 'description') continue;
    if (key !== 'ignore' && key !== 'unmanaged') throw new UsageError(`${path}: unknown field "${key}" (known: ignore, unmanaged)`);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
      throw new UsageError(`${path}: "${key}" must be a list of names or patterns, e.g. ["public.legacy_*"]`);
    }
    config[key] = value as string[];
  }
  return config;
}
