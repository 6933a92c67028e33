import { fileURLToPath } from 'node:url';
import { loadMigrations, type MigrationSource } from '../../../src/schema/migrations/source.ts';
import { lintMigrations, type LintFinding, type LintOptions, type LintReport } from '../../../src/schema/lint/index.ts';

/** The directory of a lint fixture case: `test/fixtures/lint/<name>`. */
export function fixtureDir(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/lint/${name}/`, import.meta.url));
}

export function loadFixture(name: string): Promise<MigrationSource[]> {
  return loadMigrations(fixtureDir(name));
}

/** Lints every migration of a fixture case. */
export async function lintFixture(name: string, options?: LintOptions): Promise<LintReport> {
  return lintMigrations(await loadFixture(name), options);
}

/** The findings with one code, as `file-name:line:col` strings, for compact assertions. */
export function placesOf(report: LintReport, code: string): string[] {
  return report.findings.filter((f) => f.code === code).map(place);
}

export function place(f: LintFinding): string {
  return `${f.file.split(/[\\/]/).pop()}:${f.line}:${f.column}`;
}
