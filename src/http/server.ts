import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '../db/types.ts';
import { installAuth } from './auth.ts';
import { installErrorHandler } from './errors.ts';
import { installTextInputCheck } from './text-input.ts';
import { keepInexactNumbersAsWritten } from './json-body.ts';
import { defaultWebRoot, installWebApp } from './web-app.ts';
import { accessRoutes } from './routes/access.ts';
import { auditRoutes } from './routes/audit.ts';
import { costingRoutes } from './routes/costing.ts';
import { exportRoutes } from './routes/exports.ts';
import { healthRoutes } from './routes/health.ts';
import { schemaHealthRoutes } from './routes/schema-health.ts';
import type { DeclaredSchema } from './routes/schema-health.ts';
import { importRoutes } from './routes/imports.ts';
import { itemRoutes } from './routes/items.ts';
import { lotRoutes } from './routes/lots.ts';
import { reportRoutes } from './routes/reports.ts';
import { processRoutes } from './routes/processes.ts';
import { userRoutes } from './routes/users.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { supplierRoutes } from './routes/suppliers.ts';
import type { Plan } from '../schema/migrations/plan.ts';

export interface ServerOptions {
  db: Database;
  /** The migrations, for /ready (every one applied, no drift since). */
  plan: Plan;
  /** pino options, or false for no logs (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Mark the session cookie Secure (behind HTTPS). */
  secureCookies?: boolean;
  /** Login attempts per address and minute (default 10). */
  loginAttemptsPerMinute?: number;
  /** Called when the API makes an import job claimable, so this process's worker looks at once. */
  importQueued?: () => void;
  /** The declared schema, for /api/schema/health's verify (without it, the report says verify cannot run here). */
  declaredSchema?: DeclaredSchema;
  /** The built web app to serve at / (default: dist/web in the project). */
  webRoot?: string;
}

export type App = FastifyInstance;

/** A route as registered: what the permission walk in the tests goes through. */
export interface RouteInfo {
  method: string;
  url: string;
  permission: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the API registered, with its permission. */
    routeTable: RouteInfo[];
  }
}

/**
 * The HTTP API: JSON under /api, each route with request and response schemas (TypeBox)
 * that validate input, type the handler and make the OpenAPI document at /api/docs; one
 * error shape; every route but /health, /ready and login needs a caller with the route's
 * permission. The web app (built into dist/web) is served at / over the same API.
 * Listening is the caller's business (`mtc serve`, or `inject` in tests).
 */
export async function buildServer(options: ServerOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
    bodyLimit: 1 << 20,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: true, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(import('@fastify/cookie'));
  // Login attempts are counted per address and account (after the body is parsed), so one
  // account under attack does not lock everyone else out of logging in.
  await app.register(import('@fastify/rate-limit'), {
    global: false,
    hook: 'preHandler',
    keyGenerator: (request) => `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
  });
  await app.register(import('@fastify/swagger'), {
    openapi: {
      info: { title: 'MTC API', version: '1', description: 'Inventory and production costing for small manufacturers.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mtc_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(import('@fastify/swagger-ui'), { routePrefix: '/api/docs' });
  installErrorHandler(app);
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: r.url, permission: r.config?.permission });
  });
  installAuth(app, options.db);
  installTextInputCheck(app);
  keepInexactNumbersAsWritten(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    // The web app's files say how long they keep; everything else (the API) is never cached.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
  await app.register(healthRoutes, { db: options.db, plan: options.plan });
  await app.register(accessRoutes, { db: options.db, secureCookies: options.secureCookies ?? false, loginAttemptsPerMinute: options.loginAttemptsPerMinute ?? 10 });
  await app.register(userRoutes, { db: options.db });
  await app.register(sessionRoutes, { db: options.db });
  await app.register(auditRoutes, { db: options.db });
  await app.register(itemRoutes, { db: options.db });
  await app.register(supplierRoutes, { db: options.db });
  await app.register(processRoutes, { db: options.db });
  await app.register(costingRoutes, { db: options.db });
  await app.register(lotRoutes, { db: options.db });
  await app.register(reportRoutes, { db: options.db });
  await app.register(importRoutes, { db: options.db, queued: options.importQueued ?? (() => {}) });
  await app.register(exportRoutes, { db: options.db });
  await app.register(schemaHealthRoutes, { db: options.db, plan: options.plan, declared: options.declaredSchema });
  await installWebApp(app, options.webRoot ?? defaultWebRoot());
  return app;
}
