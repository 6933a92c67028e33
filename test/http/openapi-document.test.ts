// The OpenAPI document at /api/docs/json is one other tools accept: every operation has a
// stable operationId and a summary, Redocly's recommended rules find no error in it, and a client
// generated from it (openapi-typescript's types with openapi-fetch) calls a live server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPI3 } from 'openapi-typescript';
import { noDatabase } from '../../src/db/none.ts';
import { buildServer } from '../../src/http/server.ts';
import type { App } from '../../src/http/server.ts';
import { backends } from '../helpers/backends.ts';
import { PASSWORD, testApi } from '../helpers/api.ts';
import type { TestApi } from '../helpers/api.ts';
import { projectPlan } from '../helpers/migrated.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

type Operation = { operationId?: string; summary?: string };
type Document = { servers?: { url: string }[]; paths: Record<string, Record<string, Operation>> };

/**
 * The warnings Redocly's recommended rules still give, each for a reason: /health and /ready
 * answer no 4xx to document, and the project has no licence to name (package.json: UNLICENSED).
 */
const KNOWN_WARNINGS = ['info-license #/info', 'operation-4xx-response #/paths/~1health/get/responses', 'operation-4xx-response #/paths/~1ready/get/responses'];

/** Redocly's CLI kept off the network: no telemetry, no update check (both are on by default). */
const OFFLINE = { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' };

/** Calls the API through a client generated from its document; prints what each call answered, as JSON lines. */
const CLIENT = `import createClient from 'openapi-fetch';
import type { operations, paths } from './api.ts';

const [baseUrl, email, password] = process.argv.slice(2) as [string, string, string];
const out = (what: string, value: unknown) => console.log(JSON.stringify({ what, value }));
const client = createClient<paths>({ baseUrl });

const login = await client.POST('/api/auth/login', { body: { email, password } });
if (!login.data) throw new Error(\`login refused: \${JSON.stringify(login.error)}\`);
const session = { cookie: String(login.response.headers.get('set-cookie')).split(';')[0]!, 'x-csrf-token': login.data.csrfToken };
out('login', { status: login.response.status, role: login.data.user.role });

const made = await client.POST('/api/items', { body: { name: 'Generated-client saddle', category: 'Saddles' }, headers: session });
out('create', { status: made.response.status, name: made.data?.name });

const listed = await client.GET('/api/items', { params: { query: { q: 'generated-client' } }, headers: session });
const first: operations['listItems']['responses'][200]['content']['application/json']['items'][number] | undefined = listed.data?.items[0];
out('list', { status: listed.response.status, total: listed.data?.total, first: first?.name });

const one = await client.GET('/api/items/{id}', { params: { path: { id: first!.itemId } }, headers: session });
out('get', { status: one.response.status, name: one.data?.name });

const refused = await client.POST('/api/stock/movements', { body: { variantId: 1, type: 'receipt', quantity: 'abc' }, headers: session });
out('invalid', { status: refused.response.status, code: refused.error?.error.code, message: refused.error?.error.message });
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2024',
    lib: ['ES2024', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['*.ts'],
};

/** The document as the server serves it at /api/docs/json (the same on every backend: it is built from the routes alone). */
async function servedDocument(app: App): Promise<Document> {
  const r = await app.inject({ method: 'GET', url: '/api/docs/json' });
  assert.equal(r.statusCode, 200);
  return JSON.parse(r.body) as Document;
}

describe('the OpenAPI document', () => {
  let app: App;
  let document: Document;
  const work = join(root, 'test', '.artifacts', `openapi-lint-${process.pid}`);
  before(async () => {
    app = await buildServer({ db: noDatabase('the OpenAPI document test'), plan: await projectPlan(), logger: false });
    document = await servedDocument(app);
    await mkdir(work, { recursive: true });
  });
  after(async () => {
    await app?.close();
    await rm(work, { recursive: true, force: true });
  });

  test('every operation has a unique camelCase operationId and a summary, and servers is not empty', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(document.paths))
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        assert.match(op.operationId ?? '', /^[a-z][A-Za-z0-9]*$/, `${method.toUpperCase()} ${path}: operationId ${op.operationId}`);
        assert.ok((op.summary ?? '').length > 3, `${method.toUpperCase()} ${path} has no summary`);
        ids.push(op.operationId!);
      }
    assert.equal(new Set(ids).size, ids.length, `operationIds used twice: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
    assert.ok(ids.length >= 100, `only ${ids.length} operations`);
    assert.ok((document.servers ?? []).length > 0, 'servers is empty');
    // Each documented route sets its own in its schema: none is made from the path as the document is built.
    const documented = app.routeTable.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
    for (const r of documented)
      assert.equal(typeof (r.schema as { operationId?: unknown } | undefined)?.operationId, 'string', `${r.method} ${r.url} sets no operationId`);
  });

  test("Redocly's CLI, offline, finds no error in the served document with its recommended rules (only the known warnings)", async () => {
    const file = join(work, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const cli = join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const args = [cli, 'lint', '--extends', 'recommended', '--format', 'json', '--max-problems', '1000', file];
    const result = await run(process.execPath, args, { env: { ...process.env, ...OFFLINE }, maxBuffer: 16 << 20 }).catch(
      (err: { stdout: string; stderr: string; code: number }) => err,
    );
    const report = JSON.parse(result.stdout) as { problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
    const errors = report.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(
      errors.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`),
      [],
    );
    const warnings = report.problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    assert.deepEqual(warnings.sort(), KNOWN_WARNINGS);
  });
});

for (const backend of backends) {
  describe(`a client generated from the OpenAPI document, on ${backend.name}`, { skip: backend.skip }, () => {
    let api: TestApi;
    const work = join(root, 'test', '.artifacts', `openapi-client-${backend.name}-${process.pid}`);
    before(async () => {
      api = await testApi(backend);
      await mkdir(work, { recursive: true });
    });
    after(async () => {
      await api?.close();
      await rm(work, { recursive: true, force: true });
    });

    test('logs in, lists items, reads one and gets a validation error in words', async () => {
      // Generated as a person would (openapi-typescript), type-checked against the calls, then run.
      const types = astToString(await openapiTS((await servedDocument(api.app)) as unknown as OpenAPI3));
      await writeFile(join(work, 'api.ts'), types);
      await writeFile(join(work, 'client.ts'), CLIENT);
      await writeFile(join(work, 'tsconfig.json'), JSON.stringify(TSCONFIG));
      await run(process.execPath, [join(root, 'node_modules', 'typescript-native', 'bin', 'tsc'), '-p', join(work, 'tsconfig.json')]).catch(
        (err: { stdout: string }) => assert.fail(`the generated client does not type-check:\n${err.stdout}`),
      );
      await api.app.listen({ host: '127.0.0.1', port: 0 });
      const address = api.app.server.address() as { port: number };
      const { stdout } = await run(process.execPath, [join(work, 'client.ts'), `http://127.0.0.1:${address.port}`, 'planner@example.com', PASSWORD]);
      const answers = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { what: string; value: Record<string, unknown> })
          .map((a) => [a.what, a.value]),
      );
      assert.deepEqual(answers.login, { status: 200, role: 'planner' });
      assert.deepEqual(answers.create, { status: 201, name: 'Generated-client saddle' });
      assert.deepEqual(answers.list, { status: 200, total: 1, first: 'Generated-client saddle' });
      assert.deepEqual(answers.get, { status: 200, name: 'Generated-client saddle' });
      assert.deepEqual(answers.invalid, {
        status: 400,
        code: 'INVALID_INPUT',
        message: 'quantity: write a number with up to 3 decimals, such as 12.5 (or -12.5 to take away)',
      });
    });
  });
}
