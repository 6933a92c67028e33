import { readFile } from 'node:fs/promises';
import { ruleLevelProblem, type RuleLevel } from '../schema/lint/rules.ts';
import { UsageError } from './usage.ts';

/** `mtc.config.json`: what the project does not manage, so that verify does not call it drift, and how its lint is set. */
export interface ProjectConfig {
  /** Objects never reported (patterns `schema.name` or `name`, `*` matches any run of characters). */
  ignore: string[];
  /** Objects that exist but are not MTC's (legacy tables, say): listed as unmanaged, never as drift. */
  unmanaged: string[];
  /** `{"rules": {"TABLE_REWRITE": "off"}}`: the levels of the lint rules a project may set. */
  lint: { rules: Record<string, RuleLevel> };
}

export const CONFIG_FILE = 'mtc.config.json';

/** Reads the config; a missing file is an empty config, a malformed one a usage error naming the field. */
export async function loadConfig(path = CONFIG_FILE): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`${path}: expected an object such as {"ignore": [], "unmanaged": []}`);
  const config = emptyConfig();
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema' || key === 'description') continue;
    if (key === 'lint') {
      config.lint = lintConfig(value, path);
      continue;
    }
    if (key !== 'ignore' && key !== 'unmanaged') throw new UsageError(`${path}: unknown field "${key}" (known: ignore, unmanaged, lint)`);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
      throw new UsageError(`${path}: "${key}" must be a list of names or patterns, e.g. ["public.legacy_*"]`);
    }
    config[key] = value as string[];
  }
  return config;
}

function emptyConfig(): ProjectConfig {
  return { ignore: [], unmanaged: [], lint: { rules: {} } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `"lint": {"rules": {"RULE": "off" | "warning" | "error"}}`, every key checked. */
function lintConfig(value: unknown, path: string): ProjectConfig['lint'] {
  if (!isObject(value)) throw new UsageError(`${path}: "lint" must be an object such as {"rules": {"TABLE_REWRITE": "error"}}`);
  const rules: Record<string, RuleLevel> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key !== 'rules') throw new UsageError(`${path}: unknown field "lint.${key}" (known: lint.rules)`);
    if (!isObject(inner)) throw new UsageError(`${path}: "lint.rules" must be an object such as {"TABLE_REWRITE": "error"}`);
    for (const [rule, level] of Object.entries(inner)) {
      const problem = ruleLevelProblem(rule, level);
      if (problem !== undefined) throw new UsageError(`${path}: "lint.rules.${rule}": ${problem}`);
      rules[rule] = level as RuleLevel;
    }
  }
  return { rules };
}
