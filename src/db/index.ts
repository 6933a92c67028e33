export { openDatabase, parseDatabaseUrl, redactUrl, DEFAULT_DATA_DIR } from './open.ts';
export type { DatabaseTarget, OpenOptions } from './open.ts';
export { DatabaseError } from './types.ts';
export type { Database, DatabaseKind, Queryable, QueryResult, Session } from './types.ts';
