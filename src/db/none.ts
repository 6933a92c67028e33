import type { Database } from './types.ts';

/**
 * A Database that refuses every statement, for building what needs none (the API's routes and
 * its OpenAPI document): a statement run through it fails loudly, naming `purpose`.
 */
export function noDatabase(purpose: string): Database {
  const refuse = (): never => {
    throw new Error(`${purpose}: a database statement was run; this needs none`);
  };
  return {
    kind: 'postgres',
    concurrent: true,
    location: `none (${purpose})`,
    query: refuse,
    exec: refuse,
    transaction: refuse,
    session: refuse,
    close: async () => {},
  };
}
