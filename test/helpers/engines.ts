// Which installed packages declare, in their package.json "engines", that they do not run on
// a given Node.js. The packages are the ones package-lock.json lists and node_modules holds
// (an optional package for another platform is listed but not installed, and not checked).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

export interface Exclusion {
  /** where it is installed, e.g. node_modules/cookie */
  path: string;
  name: string;
  version: string;
  /** what its engines.node says */
  range: string;
}

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: string };
}

export function packagesExcluding(nodeVersion: string, root: string): Exclusion[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { link?: boolean }> };
  const out: Exclusion[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.link) continue; // a link's target is listed on its own
    const file = join(root, path, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    const range = pkg.engines?.node;
    if (range === undefined) continue;
    // npm's own rule (npm-install-checks): prereleases count, and a range it cannot read excludes
    const ok = semver.validRange(range) !== null && semver.satisfies(nodeVersion, range, { includePrerelease: true });
    if (!ok) out.push({ path: path || '.', name: pkg.name ?? path, version: pkg.version ?? '?', range });
  }
  return out;
}
