import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '../db/types.ts';
import { DEFAULT_LOGIN_LIMITS } from '../app/access/throttle.ts';
import type { LoginLimits } from '../app/access/throttle.ts';
import { installAuth } from './auth.ts';
import type { TokenCacheOptions } from './token-cache.ts';
import { installErrorHandler, notFoundBody } from './errors.ts';
import type { ErrorBody } from './errors.ts';
import { installTwoPassValidation } from './validation.ts';
import { installInputChecks } from './input-checks.ts';
import { keepInexactNumbersAsWritten } from './json-body.ts';
import { MAX_BODY_BYTES, installBodyLimits } from './body-limits.ts';
import { documentOmittableBodies } from './optional-body.ts';
import { contentSecurityPolicy, defaultWebRoot, installWebApp } from './web-app.ts';
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
import { purchasingRoutes } from './routes/purchasing.ts';
import { userRoutes } from './routes/users.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { settingsRoutes } from './routes/settings.ts';
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
  /** Login attempts a minute from one address: for one account, and over all (default 10 and 30). */
  loginLimits?: Partial<LoginLimits>;
  /** Called when the API makes an import job claimable, so this process's worker looks at once. */
  importQueued?: () => void;
  /** The declared schema, for /api/schema/health's verify (without it, the report says verify cannot run here). */
  declaredSchema?: DeclaredSchema;
  /** The built web app to serve at / (default: dist/web in the project). */
  webRoot?: string;
  /** How long API token lookups are trusted, and the clock (default TOKEN_CACHE_MS, the real one). */
  tokenCache?: TokenCacheOptions;
}

export type App = FastifyInstance;

/** Fastify's own serializer compiler, each serializer compiled on its first use. */
const lazySerializers: SerializerFactory = (externalSchemas, serializerOpts) => {
  const compile = SerializerSelector()(externalSchemas, serializerOpts);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => (serialize ??= compile(route))(data);
  };
};

export { MAX_BODY_BYTES };

/** A request id a caller may choose: 1 to 128 letters, digits and . _ : - (a UUID, a ULID, a trace id). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A route as registered: what the permission walk in the tests goes through. */
export interface RouteInfo {
  method: string;
  url: string;
  permission: string | undefined;
  /** Its request and response schemas, as declared (what the walks over every route's input read). */
  schema: FastifySchema | undefined;
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
    // A caller's own request id is kept only when it is well formed: it is echoed, logged and
    // stored in the audit trail, so it must not carry markup, control characters or megabytes.
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    bodyLimit: MAX_BODY_BYTES,
    // A route's response serializers are compiled when it first answers, not as the server
    // starts: compiling them all took a second or more of every start.
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
    // The error handler words validation errors from err.validation; Fastify's own message would
    // join every one of them, a megabyte of text for a body of a hundred thousand wrong values.
    schemaErrorFormatter: (_errors, dataVar) => new Error(`${dataVar} is not valid`),
    // A URL that is not one (a broken %-escape) answers in the API's one error shape too.
    frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const bad = err.code === 'FST_ERR_BAD_URL';
      const body: ErrorBody = bad
        ? { error: { code: 'BAD_URL', message: 'the address is not valid: each % must start an escape of UTF-8 such as %20 or %C3%A9', details: {} } }
        : { error: { code: 'INTERNAL', message: `internal error; the server log has it under request id ${request.id}`, details: {} } };
      if (!bad) request.log.error({ err }, 'request failed before routing');
      void reply
        .code(bad ? 400 : 500)
        .header('x-content-type-options', 'nosniff')
        .send(body);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installTwoPassValidation(app);
  // Each route reads at most what its largest valid body needs (body-limits.ts).
  installBodyLimits(app);
  // A path that names no route is answered before its body is read: an anonymous caller cannot
  // make the server parse a megabyte for a 404.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return reply.code(404).send(notFoundBody(request.method, request.url));
  });
  await app.register(import('@fastify/cookie'));
  // Bodies a route lets a caller leave out are documented as optional (optional-body.ts).
  const omittableBodies = documentOmittableBodies(app);
  await app.register(import('@fastify/swagger'), {
    transformObject: omittableBodies,
    openapi: {
      info: {
        title: 'MTC API',
        version: '1',
        description: 'Inventory and production costing for small manufacturers.',
      },
      // Relative: the document is right wherever the server is reached (a client generator and the explorer call the server that served it).
      servers: [{ url: '/', description: 'the server that serves this document' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mtc_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(import('@fastify/swagger-ui'), { routePrefix: '/api/docs', staticCSP: contentSecurityPolicy({ inlineStyles: true }) });
  installErrorHandler(app);
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: r.url, permission: r.config?.permission, schema: r.schema });
  });
  installAuth(app, options.db, options.tokenCache);
  installInputChecks(app);
  keepInexactNumbersAsWritten(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    // The web app's files say how long they keep; everything else (the API) is never cached.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
  await app.register(healthRoutes, { db: options.db, plan: options.plan });
  await app.register(accessRoutes, {
    db: options.db,
    secureCookies: options.secureCookies ?? false,
    loginLimits: { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits },
  });
  await app.register(userRoutes, { db: options.db });
  await app.register(sessionRoutes, { db: options.db });
  await app.register(settingsRoutes, { db: options.db });
  await app.register(auditRoutes, { db: options.db });
  await app.register(itemRoutes, { db: options.db });
  await app.register(supplierRoutes, { db: options.db });
  await app.register(processRoutes, { db: options.db });
  await app.register(costingRoutes, { db: options.db });
  await app.register(lotRoutes, { db: options.db });
  await app.register(purchasingRoutes, { db: options.db });
  await app.register(reportRoutes, { db: options.db });
  await app.register(importRoutes, { db: options.db, queued: options.importQueued ?? (() => {}) });
  await app.register(exportRoutes, { db: options.db });
  await app.register(schemaHealthRoutes, { db: options.db, plan: options.plan, declared: options.declaredSchema });
  await installWebApp(app, options.webRoot ?? defaultWebRoot());
  return app;
}
