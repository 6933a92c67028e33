// Which Node runs MTC: every installed package accepts it, npm's scripts run on the Node that
// `npm ci` installed, and `mtc` started by an older Node runs on that Node 24 all the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { listeningAddress, mtc, ROOT, startMtc } from '../helpers/cli.ts';
import { pgliteBackend } from '../helpers/backends.ts';
import { packagesExcluding } from '../helpers/engines.ts';

const runtime = createRequire(import.meta.url)('../../bin/node-runtime.cjs') as {
  MIN_MAJOR: number;
  bundledNode(root: string): { name: string; version: string; bin: string } | null;
};
const bundled = runtime.bundledNode(ROOT);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };

/** A Node older than MTC needs, found on PATH (the machine's own), if the machine has one. */
function olderNode(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const bin = join(dir, 'node');
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      continue;
    }
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (/^v\d+\./.test(v) && Number(v.slice(1).split('.')[0]) < runtime.MIN_MAJOR) return bin;
  }
  return null;
}
const old = olderNode();
const noOld = old ? false : 'this machine has no Node.js older than 24 on PATH to start mtc with';

const describeExclusions = (list: ReturnType<typeof packagesExcluding>) =>
  list.map((e) => `${e.name}@${e.version} (${e.path}) declares engines.node "${e.range}"`).join('\n');

describe('the Node that runs MTC', () => {
  test(`every installed package, MTC included, declares that it runs on this Node (${process.version})`, () => {
    const excluded = packagesExcluding(process.version, ROOT);
    assert.deepEqual(excluded, [], `these packages do not support Node.js ${process.version}, which runs MTC and its tests:\n${describeExclusions(excluded)}`);
  });

  test('the check names a package whose engines exclude the Node it is asked about', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-engines-'));
    try {
      const lock = { packages: { '': {}, 'node_modules/future': {}, 'node_modules/anything': {}, 'node_modules/elsewhere': {}, 'node_modules/odd': {} } };
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
      const manifest = (name: string, engines?: object) => {
        mkdirSync(join(dir, 'node_modules', name), { recursive: true });
        writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...(engines ? { engines } : {}) }));
      };
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'root', version: '0.0.1', engines: { node: '>=24' } }));
      manifest('future', { node: '>=99' });
      manifest('anything');
      manifest('odd', { node: 'some day' });
      // node_modules/elsewhere is listed but not installed (an optional package for another platform)
      assert.deepEqual(
        packagesExcluding('v24.22.3', dir).map((e) => `${e.name}@${e.version} ${e.range}`),
        ['future@1.0.0 >=99', 'odd@1.0.0 some day'],
      );
      assert.deepEqual(
        packagesExcluding('v20.20.2', dir).map((e) => e.path),
        ['.', 'node_modules/future', 'node_modules/odd'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('npm ci installs Node 24 for this platform, at the version package.json pins', (t) => {
    const name = `node-${process.platform}-${process.arch}`;
    if (!(name in pkg.optionalDependencies))
      return t.skip(`the npm registry has no Node 24 package for ${process.platform}-${process.arch}: the machine's own Node runs MTC`);
    assert.ok(bundled, `${name} is not installed: run npm ci`);
    assert.equal(bundled.version, `v${pkg.optionalDependencies[name]}`);
    assert.ok(Number(bundled.version.slice(1).split('.')[0]) >= runtime.MIN_MAJOR);
  });

  test('npm test runs on the Node that npm ci installed, the one npm start and npx mtc run on', (t) => {
    if (!bundled) return t.skip(`no Node is installed into node_modules for ${process.platform}-${process.arch}`);
    if (process.env.npm_lifecycle_event !== 'test') return t.skip('not run by npm test');
    assert.equal(process.version, bundled.version, `npm test ran on ${process.execPath}, not on ${bundled.bin}`);
  });

  test('mtc --version names the Node it runs on', async () => {
    const r = await mtc(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `mtc 0.1.0 (Node.js ${process.version})\n`);
  });
});

describe('mtc started by an older Node', { skip: noOld }, () => {
  test("runs on the project's Node 24 instead, with its output and exit status", { skip: bundled ? false : 'no Node 24 in node_modules' }, async () => {
    const version = await mtc(['--version'], { node: old! });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `mtc 0.1.0 (Node.js ${bundled!.version})\n`);
    // an error keeps its message and its exit code
    const usage = await mtc(['frobnicate'], { node: old! });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown command "frobnicate"/);
  });

  test('a signal to it reaches mtc serve, which stops as it does when signalled directly', {
    skip: bundled ? false : 'no Node 24 in node_modules',
  }, async () => {
    const db = await pgliteBackend.create();
    try {
      const migrated = await mtc(['migrate', '--database', db.url]);
      assert.equal(migrated.code, 0, migrated.stderr);
      const { child, done } = startMtc(['serve', '--database', db.url, '--port', '0'], { node: old! });
      const address = await listeningAddress(child);
      const health = await fetch(`${address}/health`);
      assert.equal(health.status, 200);
      child.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /mtc serve: stopping/);
      await assert.rejects(fetch(`${address}/health`), 'the server is gone with the command that started it');
    } finally {
      await db.drop();
    }
  });

  test("npx mtc, run by the npm of the machine's Node, runs the installed command: nothing is installed again and npm does not warn", (t) => {
    const npm = spawnSync('sh', ['-c', 'command -v npm'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: (process.env.PATH ?? '')
          .split(delimiter)
          .filter((d) => !d.endsWith(join('node_modules', '.bin')))
          .join(delimiter),
      },
    }).stdout.trim();
    if (!npm) return t.skip("no npm on PATH besides the project's");
    const cache = mkdtempSync(join(tmpdir(), 'mtc-npx-cache-'));
    try {
      // a fresh npm cache: nothing of an earlier npx run can hide a new install
      const r = spawnSync(old!, [realpathSync(npm), 'exec', '--', 'mtc', '--version'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' },
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `mtc 0.1.0 (Node.js ${bundled!.version})\n`);
      assert.doesNotMatch(r.stderr, /EBADENGINE|prepare/, r.stderr);
      assert.equal(existsSync(join(cache, '_npx')), false, 'npx installed the project into its cache instead of running node_modules/.bin/mtc');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('with no Node 24 to run on, it says what to install and exits 2', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mtc-no-node-'));
    try {
      const r = spawnSync(
        old!,
        [
          '-e',
          `require(${JSON.stringify(join(ROOT, 'bin', 'node-runtime.cjs'))}).relaunchOnSupportedNode(${JSON.stringify(empty)}, 'mtc'); console.log('went on')`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '', 'nothing of MTC ran');
      assert.match(r.stderr, /^mtc: MTC runs on Node\.js 24 or later, and this is Node\.js v\d+/);
      const onLinux = ['linux-x64', 'linux-arm64'].includes(`${process.platform}-${process.arch}`);
      assert.match(r.stderr, onLinux ? /`npm ci` in .* installs Node\.js 24 into node_modules/ : /Install Node\.js 24 LTS/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
