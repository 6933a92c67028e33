// An MTC API on a test database of its own, called in-process (Fastify's inject: no sockets).
import type { LightMyRequestResponse } from 'fastify';
import { createApiToken, createUser } from '../../src/app/access/accounts.ts';
import type { Role } from '../../src/app/access/roles.ts';
import { hashPassword } from '../../src/app/access/secrets.ts';
import type { Database } from '../../src/db/types.ts';
import { buildServer } from '../../src/http/server.ts';
import type { App, ServerOptions } from '../../src/http/server.ts';
import { migrateProject, projectPlan } from './migrated.ts';
import type { Plan } from '../../src/schema/migrations/plan.ts';
import type { Backend, TestDatabase } from './backends.ts';
import { CLI_ACTOR } from '../../src/app/audit/actor.ts';

export interface TestApi {
  app: App;
  db: Database;
  /** The database's URL, for a second connection to it (a second server on the same database). */
  url: string;
  plan: Plan;
  /** A user of each role, with a live API token. */
  tokens: Record<Role, string>;
  /** Sends a request; `as` a role uses its token. */
  call(method: string, url: string, options?: { as?: Role; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

/** Applies the project's migrations to `db` in this process (quicker than running mtc migrate, which a test of migrate itself does). */
export async function migrated(db: Database): Promise<Plan> {
  return migrateProject(db);
}

/** A migrated database on `backend` with one user per role (`<role>@example.com`, PASSWORD) and the API over it. */
export async function testApi(backend: Backend, options: Partial<ServerOptions> = {}): Promise<TestApi> {
  const t: TestDatabase = await backend.create({ migrated: true });
  const db = await t.open();
  const plan = await projectPlan();
  const tokens = {} as Record<Role, string>;
  // One Argon2 hash of PASSWORD for the four (a hash takes a tenth of a second or more; the users' own tests make theirs).
  const hash = await (passwordHash ??= hashPassword(PASSWORD));
  for (const role of ['admin', 'planner', 'operator', 'viewer'] as const) {
    const user = await createUser(db, { name: `The ${role}`, email: `${role}@example.com`, role }, CLI_ACTOR);
    await db.query('UPDATE public.users SET password_hash = $2 WHERE user_id = $1', [user.userId, hash]);
    tokens[role] = (await createApiToken(db, user.userId, 'tests', CLI_ACTOR)).token;
  }
  const app = await buildServer({ db, plan, logger: false, ...options });
  return {
    app,
    db,
    url: t.url,
    plan,
    tokens,
    call: (method, url, o = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { ...(o.as ? { authorization: `Bearer ${tokens[o.as]}` } : {}), ...(o.headers ?? {}) },
        ...(o.body !== undefined ? { payload: o.body as object } : {}),
      }),
    async close() {
      await app.close();
      await db.close();
      await t.drop();
    },
  };
}
