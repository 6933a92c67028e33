// The process editor's state and every change to it, as one reducer of pure transitions: the
// page dispatches what happened (an edit, a move, a save that finished) and renders the state.
// Nothing here reads the clock, the DOM or a counter: new rows arrive with their keys, a save
// with its time, so each transition can be tested on plain data (test/web/editor-state.test.ts).
import { draftOf } from './model.ts';
import type { ApiProcess, Draft, DraftAdditionalCost, DraftCostItem, DraftGroup, DraftLine, DraftStep, TextField, VariantLabel } from './model.ts';

export interface EditorState {
  /** The process as the API last answered it; null until it has loaded. */
  saved: ApiProcess | null;
  /** What the user is editing; null until the process has loaded. */
  draft: Draft | null;
  /** The details (PATCH) differ from the saved process. */
  fieldsDirty: boolean;
  /** The steps or additional costs (PUT …/structure) differ from the saved process. */
  structureDirty: boolean;
  /** The keys of the steps shown open (with their details); the others are folded to one line. One at a time, or all by "Expand all". */
  expanded: ReadonlySet<string>;
  saving: boolean;
  saveError: { error: unknown; prefix: string } | null;
  /** What must be put right before saving (from the last Save pressed). */
  problems: string[];
  /** The save bar's line once everything is saved ("Saved at …"). */
  notice: string;
  /** The status move being made (its action, as the API's `actions` name it), while its request runs. */
  statusBusy: string | null;
  statusError: unknown;
  /** What a screen reader is told after a move, an addition or a removal. */
  announce: string;
}

/** Where a variant line is: the step's own lines (`groupKey` null) or a substitute group's alternatives. */
export interface LinePlace {
  stepKey: string;
  groupKey: string | null;
  lineKey: string;
}

export type EditorAction =
  | { type: 'loaded'; process: ApiProcess }
  | { type: 'setField'; field: TextField; value: string }
  | { type: 'setOutputVariant'; variant: VariantLabel | null }
  | { type: 'addStep'; step: DraftStep }
  | { type: 'removeStep'; stepKey: string }
  | { type: 'moveStep'; stepKey: string; by: number }
  | { type: 'dropStep'; stepKey: string; onto: string }
  | { type: 'toggleStep'; stepKey: string }
  | { type: 'setAllSteps'; open: boolean }
  | { type: 'setStepText'; stepKey: string; field: 'customName' | 'notes'; value: string }
  | { type: 'addLine'; stepKey: string; target: 'lines' | string; line: DraftLine }
  | ({ type: 'setLineQuantity'; quantity: string } & LinePlace)
  | ({ type: 'removeLine' } & LinePlace)
  | { type: 'addGroup'; stepKey: string; key: string; name: string }
  | { type: 'renameGroup'; stepKey: string; groupKey: string; name: string }
  | { type: 'removeGroup'; stepKey: string; groupKey: string }
  | { type: 'addCostItem'; stepKey: string; key: string }
  | { type: 'setCostItem'; stepKey: string; key: string; change: Partial<Omit<DraftCostItem, 'key'>> }
  | { type: 'removeCostItem'; stepKey: string; key: string }
  | { type: 'addAdditionalCost'; key: string }
  | { type: 'setAdditionalCost'; key: string; change: Partial<Omit<DraftAdditionalCost, 'key'>> }
  | { type: 'removeAdditionalCost'; key: string }
  | { type: 'saveStarted'; problems: string[] }
  | { type: 'fieldsSaved'; process: ApiProcess; sent: Draft }
  | { type: 'structureSaved'; process: ApiProcess; sent: Draft }
  | { type: 'saveDone'; at: string }
  | { type: 'saveFailed'; error: unknown; fieldsSaved: boolean }
  | { type: 'statusStarted'; action: string }
  | { type: 'statusChanged'; process: ApiProcess; label: string }
  | { type: 'statusFailed'; error: unknown }
  | { type: 'discard' };

/** The state before the process has loaded. */
export const initialEditorState: EditorState = {
  saved: null,
  draft: null,
  fieldsDirty: false,
  structureDirty: false,
  expanded: new Set(),
  saving: false,
  saveError: null,
  problems: [],
  notice: '',
  statusBusy: null,
  statusError: undefined,
  announce: '',
};

/** Whether anything differs from the saved process (Save and Discard apply; leaving warns). */
export const isDirty = (s: EditorState) => s.fieldsDirty || s.structureDirty;

/** A process is shown with its steps folded to a line each (a process of one step with it open). */
const openAtFirst = (d: Draft): ReadonlySet<string> => new Set(d.steps.length === 1 ? [d.steps[0]!.key] : []);

const stepName = (s: DraftStep) => s.customName.trim() || s.subprocessName;

/** The list with the entry at `from` moved to `to`. */
function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [entry] = next.splice(from, 1);
  next.splice(to, 0, entry as T);
  return next;
}

/** The state with new steps or additional costs: unsaved structure, and the old "Saved at" line gone. */
function withStructure(state: EditorState, draft: Draft, announce = state.announce): EditorState {
  return { ...state, draft, structureDirty: true, notice: '', announce };
}

/** The state with the step of this key replaced by `change` of it; the same state when there is no such step. */
function editStep(state: EditorState, stepKey: string, change: (s: DraftStep) => DraftStep): EditorState {
  const d = state.draft;
  if (!d?.steps.some((s) => s.key === stepKey)) return state;
  return withStructure(state, { ...d, steps: d.steps.map((s) => (s.key === stepKey ? change(s) : s)) });
}

/** The step with `change` applied to the line at `place` (among its lines or in its group). */
function editLines(s: DraftStep, groupKey: string | null, change: (lines: DraftLine[]) => DraftLine[]): DraftStep {
  if (groupKey === null) return { ...s, lines: change(s.lines) };
  return { ...s, groups: s.groups.map((g): DraftGroup => (g.key === groupKey ? { ...g, alternatives: change(g.alternatives) } : g)) };
}

/** The step moved from `from` to `to` (clamped to the list), with its announcement; the same state when it would not move. */
function moveStep(state: EditorState, from: number, to: number): EditorState {
  const d = state.draft;
  if (!d) return state;
  const target = Math.max(0, Math.min(d.steps.length - 1, to));
  if (from < 0 || from >= d.steps.length || target === from) return state;
  const steps = moved(d.steps, from, target);
  return withStructure(state, { ...d, steps }, `Moved ${stepName(steps[target]!)} to position ${target + 1} of ${steps.length}.`);
}

/** The editor's reducer: the state after `action`, the same object when the action changes nothing. */
export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const d = state.draft;
  switch (action.type) {
    case 'loaded': {
      // Once: later answers come from saving, which updates the state itself.
      if (state.saved && state.saved.processId === action.process.processId) return state;
      const draft = draftOf(action.process);
      return { ...state, saved: action.process, draft, expanded: openAtFirst(draft) };
    }
    case 'setField':
      if (!d) return state;
      return { ...state, draft: { ...d, fields: { ...d.fields, [action.field]: action.value } }, fieldsDirty: true, notice: '' };
    case 'setOutputVariant':
      if (!d) return state;
      return { ...state, draft: { ...d, fields: { ...d.fields, outputVariant: action.variant } }, fieldsDirty: true, notice: '' };
    case 'addStep':
      if (!d) return state;
      return {
        ...withStructure(state, { ...d, steps: [...d.steps, action.step] }, `Added step ${action.step.subprocessName}.`),
        expanded: new Set([action.step.key]),
      };
    case 'removeStep':
      if (!d?.steps.some((s) => s.key === action.stepKey)) return state;
      return withStructure(
        state,
        { ...d, steps: d.steps.filter((s) => s.key !== action.stepKey) },
        'Step removed (until you save, Discard changes brings it back).',
      );
    case 'moveStep': {
      const from = d ? d.steps.findIndex((s) => s.key === action.stepKey) : -1;
      return moveStep(state, from, from + action.by);
    }
    case 'dropStep': {
      if (!d || action.stepKey === action.onto) return state;
      const onto = d.steps.findIndex((s) => s.key === action.onto);
      return onto < 0
        ? state
        : moveStep(
            state,
            d.steps.findIndex((s) => s.key === action.stepKey),
            onto,
          );
    }
    case 'toggleStep': {
      // Opening a step folds the others; folding one leaves the others as they are (all open after "Expand all").
      if (!state.expanded.has(action.stepKey)) return { ...state, expanded: new Set([action.stepKey]) };
      const expanded = new Set(state.expanded);
      expanded.delete(action.stepKey);
      return { ...state, expanded };
    }
    case 'setAllSteps':
      return { ...state, expanded: new Set(action.open && d ? d.steps.map((s) => s.key) : []) };
    case 'setStepText':
      return editStep(state, action.stepKey, (s) => ({ ...s, [action.field]: action.value }));
    case 'addLine':
      return editStep(state, action.stepKey, (s) =>
        action.target === 'lines'
          ? { ...s, lines: [...s.lines, action.line] }
          : { ...s, groups: s.groups.map((g) => (g.key === action.target ? { ...g, alternatives: [...g.alternatives, action.line] } : g)) },
      );
    case 'setLineQuantity':
      return editStep(state, action.stepKey, (s) =>
        editLines(s, action.groupKey, (lines) => lines.map((l) => (l.key === action.lineKey ? { ...l, quantity: action.quantity } : l))),
      );
    case 'removeLine':
      return editStep(state, action.stepKey, (s) => editLines(s, action.groupKey, (lines) => lines.filter((l) => l.key !== action.lineKey)));
    case 'addGroup':
      return editStep(state, action.stepKey, (s) => ({
        ...s,
        groups: [...s.groups, { key: action.key, name: action.name, description: null, alternatives: [] }],
      }));
    case 'renameGroup':
      return editStep(state, action.stepKey, (s) => ({ ...s, groups: s.groups.map((g) => (g.key === action.groupKey ? { ...g, name: action.name } : g)) }));
    case 'removeGroup':
      return editStep(state, action.stepKey, (s) => ({ ...s, groups: s.groups.filter((g) => g.key !== action.groupKey) }));
    case 'addCostItem':
      return editStep(state, action.stepKey, (s) => ({
        ...s,
        costItems: [...s.costItems, { key: action.key, costType: 'labour', description: '', quantity: '1', unit: '', rate: '0' }],
      }));
    case 'setCostItem':
      return editStep(state, action.stepKey, (s) => ({ ...s, costItems: s.costItems.map((c) => (c.key === action.key ? { ...c, ...action.change } : c)) }));
    case 'removeCostItem':
      return editStep(state, action.stepKey, (s) => ({ ...s, costItems: s.costItems.filter((c) => c.key !== action.key) }));
    case 'addAdditionalCost':
      if (!d) return state;
      return withStructure(state, {
        ...d,
        additionalCosts: [...d.additionalCosts, { key: action.key, costType: 'overhead', description: '', amount: '0', isFixed: false }],
      });
    case 'setAdditionalCost':
      if (!d) return state;
      return withStructure(state, { ...d, additionalCosts: d.additionalCosts.map((a) => (a.key === action.key ? { ...a, ...action.change } : a)) });
    case 'removeAdditionalCost':
      if (!d) return state;
      return withStructure(state, { ...d, additionalCosts: d.additionalCosts.filter((a) => a.key !== action.key) });
    case 'saveStarted':
      return { ...state, problems: action.problems, saveError: null, notice: '', saving: action.problems.length === 0 };
    case 'fieldsSaved':
      // Details typed while the request ran stay unsaved.
      return { ...state, saved: action.process, fieldsDirty: d !== null && d.fields !== action.sent.fields };
    case 'structureSaved': {
      const fresh = draftOf(action.process);
      const sent = action.sent;
      const unchanged = d !== null && d.steps === sent.steps && d.additionalCosts === sent.additionalCosts;
      if (!unchanged) return { ...state, saved: action.process };
      // The saved structure (with the ids of new steps and groups) becomes the draft; the steps open before stay open.
      const expanded = new Set<string>();
      sent.steps.forEach((s, i) => {
        if (state.expanded.has(s.key) && fresh.steps[i]) expanded.add(fresh.steps[i]!.key);
      });
      return { ...state, saved: action.process, draft: { ...fresh, fields: d.fields }, structureDirty: false, expanded };
    }
    case 'saveDone':
      return { ...state, saving: false, notice: `Saved at ${action.at}.`, statusError: undefined };
    case 'saveFailed':
      return {
        ...state,
        saving: false,
        saveError: { error: action.error, prefix: action.fieldsSaved ? 'The details were saved, but the steps and costs were not:' : 'Nothing was saved:' },
      };
    case 'statusStarted':
      return { ...state, statusBusy: action.action, statusError: undefined, notice: '' };
    case 'statusChanged':
      return { ...state, saved: action.process, statusBusy: null, notice: `The process is now ${action.label.toLowerCase()}.` };
    case 'statusFailed':
      return { ...state, statusBusy: null, statusError: action.error };
    case 'discard': {
      if (!state.saved) return state;
      const draft = draftOf(state.saved);
      return {
        ...state,
        draft,
        fieldsDirty: false,
        structureDirty: false,
        problems: [],
        saveError: null,
        expanded: openAtFirst(draft),
        notice: 'Changes discarded: the process is as last saved.',
      };
    }
  }
}
