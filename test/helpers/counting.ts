import type { Queryable } from '../../src/db/types.ts';

/** A Queryable that counts the statements it is sent. */
export function counting(q: Queryable): { q: Queryable; count: () => number } {
  let n = 0;
  return {
    q: {
      query: (sql, params) => {
        n++;
        return q.query(sql, params);
      },
      exec: (sql) => {
        n++;
        return q.exec(sql);
      },
    },
    count: () => n,
  };
}
