import type { User } from '../shapes.ts';

// Who may do what to lots, as the API's permission table has it (src/app/access/roles.ts):
// the pages offer only what the signed-in user may do; the API refuses the rest anyway.

/** Create lots, choose their substitutes, mark them ready, cancel them (lot.plan). */
export const canPlan = (user: User | null | undefined) => user?.role === 'admin' || user?.role === 'planner';

/** Start, complete or fail lots (lot.run). */
export const canRun = (user: User | null | undefined) => canPlan(user) || user?.role === 'operator';
