// The process editor's transitions (web/src/processes/editor-state.ts), on plain data: what
// each edit does to the draft, to what is unsaved and to what a screen reader is told.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { editorReducer, initialEditorState, isDirty } from '../../web/src/processes/editor-state.ts';
import type { EditorAction, EditorState } from '../../web/src/processes/editor-state.ts';
import { draftOf, fieldsBody, newStep, problemsOf } from '../../web/src/processes/model.ts';

const pick = <T extends object, K extends keyof T>(o: T, ...keys: K[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
import type { ApiLine, ApiProcess, ApiStep } from '../../web/src/processes/model.ts';

const line = (lineId: number, variantId: number, quantity = '1'): ApiLine => ({
  lineId,
  variantId,
  item: `Item ${variantId}`,
  color: 'Black',
  size: 'M',
  unit: 'pcs',
  variantDeleted: false,
  quantity,
});

const step = (stepId: number, name: string, extra: Partial<ApiStep> = {}): ApiStep => ({
  stepId,
  sequenceOrder: stepId,
  subprocessId: stepId * 10,
  subprocessName: name,
  subprocessDeleted: false,
  name,
  customName: null,
  notes: null,
  estimatedTimeMinutes: 5,
  lines: [],
  groups: [],
  costItems: [],
  ...extra,
});

/** A process of three steps; the second has a line and a substitute group of two alternatives. */
const PROCESS: ApiProcess = {
  processId: 7,
  name: 'Frame',
  description: null,
  processClass: null,
  status: 'draft',
  salesPrice: '1000',
  outputVariantId: null,
  outputQuantity: '1',
  lotSize: 1,
  targetMargin: null,
  output: null,
  stepCount: 3,
  updatedAt: '2024-01-01T00:00:00Z',
  deletedAt: null,
  actions: [{ action: 'activate', label: 'Activate', to: 'active', needsReason: false, confirm: null }],
  steps: [
    step(1, 'Cut'),
    step(2, 'Weld', {
      lines: [line(20, 200)],
      groups: [{ groupId: 5, name: 'Saddle', description: null, alternatives: [line(21, 210), line(22, 220)] }],
      costItems: [{ costItemId: 9, costType: 'labour', description: null, quantity: '1', unit: null, rate: '50', amount: '50' }],
    }),
    step(3, 'Paint'),
  ],
  additionalCosts: [{ additionalCostId: 4, costType: 'tooling', description: null, amount: '500', isFixed: true }],
  warnings: [],
};

const run = (...actions: EditorAction[]) => actions.reduce(editorReducer, initialEditorState);
const loaded = () => run({ type: 'loaded', process: PROCESS });
const names = (s: EditorState) => s.draft!.steps.map((x) => x.subprocessName);
const weld = (s: EditorState) => s.draft!.steps.find((x) => x.subprocessName === 'Weld')!;

describe('loading', () => {
  test('the loaded process becomes the draft, clean, with its steps folded', () => {
    const s = loaded();
    assert.deepEqual(names(s), ['Cut', 'Weld', 'Paint']);
    assert.equal(isDirty(s), false);
    assert.equal(s.expanded.size, 0);
  });

  test('a process of one step opens with it open', () => {
    const one = { ...PROCESS, steps: [step(1, 'Cut')] };
    assert.deepEqual([...run({ type: 'loaded', process: one }).expanded], ['s1']);
  });
});

describe('folding steps', () => {
  test('opening a step folds the one open before; folding it leaves none open', () => {
    const first = editorReducer(loaded(), { type: 'toggleStep', stepKey: 's1' });
    assert.deepEqual([...first.expanded], ['s1']);
    const second = editorReducer(first, { type: 'toggleStep', stepKey: 's2' });
    assert.deepEqual([...second.expanded], ['s2']);
    assert.equal(editorReducer(second, { type: 'toggleStep', stepKey: 's2' }).expanded.size, 0);
  });

  test('Expand all opens every step, and folding one then leaves the others open; Collapse all folds them all', () => {
    const all = editorReducer(loaded(), { type: 'setAllSteps', open: true });
    assert.deepEqual([...all.expanded], ['s1', 's2', 's3']);
    assert.deepEqual([...editorReducer(all, { type: 'toggleStep', stepKey: 's2' }).expanded], ['s1', 's3']);
    assert.equal(editorReducer(all, { type: 'setAllSteps', open: false }).expanded.size, 0);
    assert.equal(isDirty(all), false, 'folding is no change to the process');
  });

  test('the same process answered again does not replace the draft being edited', () => {
    const edited = editorReducer(loaded(), { type: 'setField', field: 'name', value: 'Frame v2' });
    const again = editorReducer(edited, { type: 'loaded', process: PROCESS });
    assert.equal(again, edited);
  });
});

describe('moving steps', () => {
  test('moving a step down then up restores the order, and each move is announced', () => {
    const down = editorReducer(loaded(), { type: 'moveStep', stepKey: 's1', by: 1 });
    assert.deepEqual(names(down), ['Weld', 'Cut', 'Paint']);
    assert.equal(down.announce, 'Moved Cut to position 2 of 3.');
    assert.equal(down.structureDirty, true);
    const back = editorReducer(down, { type: 'moveStep', stepKey: 's1', by: -1 });
    assert.deepEqual(names(back), ['Cut', 'Weld', 'Paint']);
    assert.equal(back.announce, 'Moved Cut to position 1 of 3.');
  });

  test('moving the first step up, the last down, or a step that is not there changes nothing', () => {
    const s = loaded();
    assert.equal(editorReducer(s, { type: 'moveStep', stepKey: 's1', by: -1 }), s);
    assert.equal(editorReducer(s, { type: 'moveStep', stepKey: 's3', by: 1 }), s);
    assert.equal(editorReducer(s, { type: 'moveStep', stepKey: 'nope', by: 1 }), s);
    assert.equal(isDirty(s), false);
  });

  test('dropping a step on another puts it at that step’s place; on itself or nowhere, nothing', () => {
    const s = loaded();
    const dropped = editorReducer(s, { type: 'dropStep', stepKey: 's3', onto: 's1' });
    assert.deepEqual(names(dropped), ['Paint', 'Cut', 'Weld']);
    assert.equal(dropped.announce, 'Moved Paint to position 1 of 3.');
    assert.equal(editorReducer(s, { type: 'dropStep', stepKey: 's2', onto: 's2' }), s);
    assert.equal(editorReducer(s, { type: 'dropStep', stepKey: 's2', onto: 'gone' }), s);
    assert.equal(editorReducer(s, { type: 'dropStep', stepKey: 'gone', onto: 's2' }), s);
  });
});

describe('adding and removing', () => {
  test('a step added from the library comes last, open, with its labour proposed, and is announced', () => {
    const added = newStep({
      subprocessId: 99,
      name: 'Polish',
      description: null,
      category: null,
      estimatedTimeMinutes: 3,
      labourCost: '12.50',
      processCount: 0,
      deletedAt: null,
    });
    const s = editorReducer(loaded(), { type: 'addStep', step: added });
    assert.deepEqual(names(s), ['Cut', 'Weld', 'Paint', 'Polish']);
    assert.deepEqual([...s.expanded], [added.key], 'the new step alone is open');
    assert.equal(s.announce, 'Added step Polish.');
    assert.deepEqual(
      s.draft!.steps[3]!.costItems.map((c) => [c.costType, c.rate]),
      [['labour', '12.50']],
    );
    assert.equal(s.structureDirty, true);
  });

  test('removing a step leaves the others in order and says Discard brings it back', () => {
    const s = editorReducer(loaded(), { type: 'removeStep', stepKey: 's2' });
    assert.deepEqual(names(s), ['Cut', 'Paint']);
    assert.match(s.announce, /Discard changes brings it back/);
  });

  test('removing a substitute group removes its alternatives with it, and nothing else', () => {
    const before = loaded();
    assert.equal(weld(before).groups[0]!.alternatives.length, 2);
    const s = editorReducer(before, { type: 'removeGroup', stepKey: 's2', groupKey: 'g5' });
    assert.deepEqual(weld(s).groups, []);
    assert.deepEqual(
      weld(s).lines.map((l) => l.variant.variantId),
      [200],
    );
    assert.equal(s.draft!.steps[0], before.draft!.steps[0], 'the steps not edited keep their identity (their costing is memoised on it)');
  });

  test('a variant goes to the step’s lines or into the group chosen; a line is removed from where it is', () => {
    const variant = { variantId: 300, item: 'Bolt', color: '', size: 'M8', unit: 'pcs' };
    let s = editorReducer(loaded(), { type: 'addLine', stepKey: 's2', target: 'lines', line: { key: 'ln1', variant, quantity: '4' } });
    s = editorReducer(s, { type: 'addLine', stepKey: 's2', target: 'g5', line: { key: 'ln2', variant, quantity: '1' } });
    assert.deepEqual(
      weld(s).lines.map((l) => l.key),
      ['l20', 'ln1'],
    );
    assert.deepEqual(
      weld(s).groups[0]!.alternatives.map((l) => l.key),
      ['l21', 'l22', 'ln2'],
    );
    s = editorReducer(s, { type: 'removeLine', stepKey: 's2', groupKey: 'g5', lineKey: 'l21' });
    assert.deepEqual(
      weld(s).groups[0]!.alternatives.map((l) => l.key),
      ['l22', 'ln2'],
    );
    assert.deepEqual(
      weld(s).lines.map((l) => l.key),
      ['l20', 'ln1'],
    );
  });

  test('a quantity typed changes that line only, in the lines or in a group', () => {
    let s = editorReducer(loaded(), { type: 'setLineQuantity', stepKey: 's2', groupKey: null, lineKey: 'l20', quantity: '2.5' });
    s = editorReducer(s, { type: 'setLineQuantity', stepKey: 's2', groupKey: 'g5', lineKey: 'l22', quantity: '3' });
    assert.equal(weld(s).lines[0]!.quantity, '2.5');
    assert.deepEqual(
      weld(s).groups[0]!.alternatives.map((l) => l.quantity),
      ['1', '3'],
    );
  });

  test('groups are added and renamed; cost items added, changed and removed', () => {
    let s = editorReducer(loaded(), { type: 'addGroup', stepKey: 's1', key: 'gn1', name: 'Blade' });
    s = editorReducer(s, { type: 'renameGroup', stepKey: 's1', groupKey: 'gn1', name: 'Saw blade' });
    assert.deepEqual(s.draft!.steps[0]!.groups, [{ key: 'gn1', name: 'Saw blade', description: null, alternatives: [] }]);
    s = editorReducer(s, { type: 'addCostItem', stepKey: 's1', key: 'cn1' });
    s = editorReducer(s, { type: 'setCostItem', stepKey: 's1', key: 'cn1', change: { costType: 'electricity', rate: '8' } });
    assert.deepEqual(
      s.draft!.steps[0]!.costItems.map((c) => [c.key, c.costType, c.quantity, c.rate]),
      [['cn1', 'electricity', '1', '8']],
    );
    s = editorReducer(s, { type: 'removeCostItem', stepKey: 's2', key: 'c9' });
    assert.deepEqual(weld(s).costItems, []);
  });

  test('additional costs are added (overhead, 0, per unit), changed and removed', () => {
    let s = editorReducer(loaded(), { type: 'addAdditionalCost', key: 'an1' });
    s = editorReducer(s, { type: 'setAdditionalCost', key: 'an1', change: { amount: '75', isFixed: true } });
    assert.deepEqual(
      s.draft!.additionalCosts.map((a) => [a.key, a.costType, a.amount, a.isFixed]),
      [
        ['a4', 'tooling', '500', true],
        ['an1', 'overhead', '75', true],
      ],
    );
    s = editorReducer(s, { type: 'removeAdditionalCost', key: 'a4' });
    assert.deepEqual(
      s.draft!.additionalCosts.map((a) => a.key),
      ['an1'],
    );
    assert.equal(s.structureDirty, true);
    assert.equal(s.fieldsDirty, false);
  });

  test('an edit of a step that is not there changes nothing and marks nothing unsaved', () => {
    const s = loaded();
    assert.equal(editorReducer(s, { type: 'removeGroup', stepKey: 'gone', groupKey: 'g5' }), s);
    assert.equal(editorReducer(s, { type: 'removeStep', stepKey: 'gone' }), s);
  });
});

describe('unsaved changes', () => {
  test('a detail edited marks the details unsaved, not the structure, and clears the last "Saved at"', () => {
    let s = run({ type: 'loaded', process: PROCESS }, { type: 'saveStarted', problems: [] }, { type: 'saveDone', at: '10:00:00' });
    assert.equal(s.notice, 'Saved at 10:00:00.');
    s = editorReducer(s, { type: 'setField', field: 'salesPrice', value: '1200' });
    assert.equal(s.draft!.fields.salesPrice, '1200');
    assert.deepEqual([s.fieldsDirty, s.structureDirty, s.notice], [true, false, '']);
  });

  test('the output chosen, changed or cleared is a detail: it marks the details unsaved and goes in the body PATCH sends', () => {
    const chain = { variantId: 77, item: 'Chain', color: 'Black', size: '1/2', unit: 'pcs' };
    let s = editorReducer(loaded(), { type: 'setOutputVariant', variant: chain });
    assert.deepEqual(s.draft!.fields.outputVariant, chain);
    assert.deepEqual([s.fieldsDirty, s.structureDirty], [true, false]);
    s = editorReducer(s, { type: 'setField', field: 'outputQuantity', value: ' 2.5 ' });
    assert.deepEqual(pick(fieldsBody(s.draft!.fields), 'outputVariantId', 'outputQuantity'), { outputVariantId: 77, outputQuantity: '2.5' });
    assert.deepEqual(problemsOf(s.draft!), []);
    s = editorReducer(s, { type: 'setOutputVariant', variant: null });
    assert.equal(fieldsBody(s.draft!.fields).outputVariantId, null, 'cleared: null, as the API clears it');
    for (const bad of ['0', '', '1.2345', '-1'])
      assert.match(problemsOf(editorReducer(s, { type: 'setField', field: 'outputQuantity', value: bad }).draft!).join(' '), /Output quantity/, bad);
    // A process that makes something loads with it, and discarding goes back to it.
    const making: ApiProcess = { ...PROCESS, outputVariantId: 77, outputQuantity: '2', output: { ...chain, variantDeleted: false } };
    const m = editorReducer(editorReducer(run({ type: 'loaded', process: making }), { type: 'setOutputVariant', variant: null }), { type: 'discard' });
    assert.deepEqual(m.draft!.fields.outputVariant, { ...chain, deleted: false });
    assert.equal(m.draft!.fields.outputQuantity, '2');
  });

  test('marking both parts saved clears dirty, and the saved structure (with its new ids) becomes the draft', () => {
    let s = editorReducer(loaded(), { type: 'setField', field: 'name', value: 'Frame v2' });
    s = editorReducer(s, { type: 'setAllSteps', open: true });
    s = editorReducer(s, { type: 'moveStep', stepKey: 's3', by: -2 });
    const sent = s.draft!;
    s = editorReducer(s, { type: 'saveStarted', problems: [] });
    assert.equal(s.saving, true);
    const afterFields = { ...PROCESS, name: 'Frame v2' };
    s = editorReducer(s, { type: 'fieldsSaved', process: afterFields, sent });
    assert.deepEqual([s.fieldsDirty, s.structureDirty], [false, true]);
    const afterStructure: ApiProcess = { ...afterFields, steps: [step(13, 'Paint'), step(11, 'Cut'), step(12, 'Weld')] };
    s = editorReducer(s, { type: 'structureSaved', process: afterStructure, sent });
    s = editorReducer(s, { type: 'saveDone', at: '10:00:00' });
    assert.equal(isDirty(s), false);
    assert.equal(s.saving, false);
    assert.deepEqual(
      s.draft!.steps.map((x) => x.key),
      ['s13', 's11', 's12'],
    );
    assert.deepEqual([...s.expanded], ['s13', 's11', 's12'], 'the steps open before the save are open after it');
    assert.equal(s.saved, afterStructure);
  });

  test('what is typed while the save runs stays unsaved', () => {
    let s = editorReducer(loaded(), { type: 'setField', field: 'name', value: 'Frame v2' });
    s = editorReducer(s, { type: 'removeStep', stepKey: 's1' });
    const sent = s.draft!;
    s = editorReducer(s, { type: 'saveStarted', problems: [] });
    s = editorReducer(s, { type: 'setField', field: 'name', value: 'Frame v3' });
    s = editorReducer(s, { type: 'fieldsSaved', process: { ...PROCESS, name: 'Frame v2' }, sent });
    assert.equal(s.fieldsDirty, true);
    s = editorReducer(s, { type: 'moveStep', stepKey: 's3', by: -1 });
    s = editorReducer(s, { type: 'structureSaved', process: { ...PROCESS, name: 'Frame v2', steps: [step(2, 'Weld'), step(3, 'Paint')] }, sent });
    assert.equal(s.structureDirty, true);
    assert.deepEqual(names(s), ['Paint', 'Weld'], 'the draft is not replaced by what was saved before the move');
    assert.equal(s.draft!.fields.name, 'Frame v3');
  });

  test('a save with problems lists them and does not start', () => {
    const s = editorReducer(loaded(), { type: 'saveStarted', problems: ['Give the process a name.'] });
    assert.equal(s.saving, false);
    assert.deepEqual(s.problems, ['Give the process a name.']);
  });

  test('a failed save says whether the details were saved', () => {
    const started = editorReducer(loaded(), { type: 'saveStarted', problems: [] });
    const none = editorReducer(started, { type: 'saveFailed', error: new Error('refused'), fieldsSaved: false });
    assert.equal(none.saveError?.prefix, 'Nothing was saved:');
    assert.equal(none.saving, false);
    const half = editorReducer(started, { type: 'saveFailed', error: new Error('refused'), fieldsSaved: true });
    assert.equal(half.saveError?.prefix, 'The details were saved, but the steps and costs were not:');
  });

  test('discarding returns to the saved process, clean, with the problems and the error gone', () => {
    let s = editorReducer(loaded(), { type: 'removeStep', stepKey: 's2' });
    s = editorReducer(s, { type: 'setField', field: 'name', value: '' });
    s = editorReducer(s, { type: 'saveStarted', problems: ['Give the process a name.'] });
    s = editorReducer(s, { type: 'discard' });
    assert.deepEqual(s.draft, draftOf(PROCESS));
    assert.deepEqual([isDirty(s), s.problems, s.saveError], [false, [], null]);
    assert.equal(s.notice, 'Changes discarded: the process is as last saved.');
  });
});

describe('status', () => {
  test('a status change in flight is shown, then the saved process and its new status', () => {
    let s = editorReducer(loaded(), { type: 'statusStarted', action: 'activate' });
    assert.equal(s.statusBusy, 'activate');
    s = editorReducer(s, { type: 'statusChanged', process: { ...PROCESS, status: 'active' }, label: 'Active' });
    assert.deepEqual([s.statusBusy, s.saved!.status, s.notice], [null, 'active', 'The process is now active.']);
  });

  test('a refused status change keeps its error until the next try', () => {
    const error = new Error('no');
    let s = editorReducer(loaded(), { type: 'statusStarted', action: 'archive' });
    s = editorReducer(s, { type: 'statusFailed', error });
    assert.deepEqual([s.statusBusy, s.statusError], [null, error]);
    s = editorReducer(s, { type: 'statusStarted', action: 'archive' });
    assert.equal(s.statusError, undefined);
  });
});
