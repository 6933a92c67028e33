import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderGraph } from '../../../src/schema/migrations/graph.ts';
import { planMigrations } from '../../../src/schema/migrations/plan.ts';
import { loadMigrations } from '../../../src/schema/migrations/source.ts';

describe('graph', () => {
  test('Mermaid: one node per migration in plan order, an edge to each requirement, status classes', async () => {
    const plan = planMigrations(await loadMigrations('test/fixtures/migrations/alter-before-create-fixed'));
    const text = renderGraph(plan, 'mermaid', { applied: new Set(['0001_users']) });
    assert.match(text, /^flowchart BT\n {2}m1\["0001_users"\]\n {2}m2\["0003_production_lots"\]\n {2}m3\["0002_fix_lot_status"\]\n/);
    assert.match(text, / {2}m2 --> m1\n {2}m3 --> m2\n/);
    assert.match(text, /class m1 applied;/);
    assert.match(text, /class m2,m3 pending;/);
  });

  test('DOT: quoted ids and edges, double border for transaction: off', async () => {
    const plan = planMigrations(await loadMigrations('test/fixtures/migrations/alter-before-create-fixed'));
    const text = renderGraph(plan, 'dot');
    assert.match(text, /^digraph migrations \{/);
    assert.match(text, /"0002_fix_lot_status" -> "0003_production_lots";/);
    assert.doesNotMatch(text, /peripheries/);
  });
});
