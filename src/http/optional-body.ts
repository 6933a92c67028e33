// A body every field of which is optional may be left out altogether (completing a lot with
// nothing to say, retrying an import without a reason), and the OpenAPI document says so.
// Fastify refuses a missing body when the route has a body schema, and @fastify/swagger marks
// every body schema's requestBody `required`: a route that fills in `{}` for a missing body
// (omittableBody) is the one the document marks `required: false`, so the two cannot disagree.
import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

/** A route's preValidation: a request without a body is validated (and handled) as `{}`. */
export async function omittableBody(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

/** The part of an OpenAPI document's paths this module corrects. */
type Operations = Record<
  string,
  | Record<string, { requestBody?: { required?: boolean }; parameters?: { in?: string; required?: boolean; schema?: { default?: unknown } }[] } | undefined>
  | undefined
>;

/**
 * Marks each query parameter that has a default `required: false` in the document: the schema
 * lists it as required (TypeBox: not Optional, so the handler's type has it) and the validator
 * fills the default in, so a caller may leave it out; a client generated from the document
 * would otherwise insist on `limit` and `offset` in every call.
 */
export function documentDefaultedParameters(document: { paths?: unknown }): void {
  for (const item of Object.values((document.paths ?? {}) as Operations))
    for (const op of Object.values(item ?? {}))
      for (const p of op?.parameters ?? []) if (p.in === 'query' && p.schema?.default !== undefined) p.required = false;
}

/**
 * Notes every route registered after it whose preValidation is omittableBody; the function it
 * returns (for @fastify/swagger's `transformObject`) marks those routes' request bodies
 * `required: false` in the document.
 */
export function documentOmittableBodies(app: FastifyInstance): SwaggerTransformObject {
  const omittable: { method: string; path: string }[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (![route.preValidation].flat().includes(omittableBody)) return;
    for (const method of [route.method].flat()) omittable.push({ method: method.toLowerCase(), path: route.url.replace(/:(\w+)/g, '{$1}') });
  });
  return (documents) => {
    if (!('openapiObject' in documents)) return documents.swaggerObject;
    const paths = documents.openapiObject.paths as Operations | undefined;
    for (const { method, path } of omittable) {
      const body = paths?.[path]?.[method]?.requestBody;
      if (body) body.required = false;
    }
    documentDefaultedParameters(documents.openapiObject);
    return documents.openapiObject;
  };
}
