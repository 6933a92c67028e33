// The reading thread's entry when MTC runs from its sources (the tests, under tsx): a worker
// does not get its parent's `--import tsx` hooks for its entry file in Node 20, so this plain
// module registers tsx in the thread, then loads the thread itself. The built CLI starts
// dist/xlsx-thread.cjs instead, and never this file.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
