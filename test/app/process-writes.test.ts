// The writes of processes and the subprocess library, called as the CLI or the demo seed call
// them (no HTTP): each records its audit event with `via`, and a refused one leaves no row
// and no event.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/app/audit/actor.ts';
import { copyProcess, createProcess, deleteProcess, moveProcess, restoreProcess, updateProcess } from '../../src/app/processes/processes.ts';
import type { ProcessAction } from '../../src/app/processes/status.ts';
import { addStep, removeStep, reorderSteps, replaceStructure, updateStep } from '../../src/app/processes/steps.ts';
import { createSubprocess, deleteSubprocess, restoreSubprocess, updateSubprocess } from '../../src/app/processes/subprocesses.ts';
import type { Database } from '../../src/db/types.ts';
import { backends } from '../helpers/backends.ts';
import type { TestDatabase } from '../helpers/backends.ts';

const CLI: Actor = { userId: null, via: 'cli' };
const SEED: Actor = { userId: null, via: 'seed' };

for (const backend of backends) {
  describe(`process and subprocess writes without HTTP on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let db: Database;
    before(async () => {
      t = await backend.create({ migrated: true });
      db = await t.open();
    });
    after(async () => {
      await db?.close();
      await t?.drop();
    });

    const events = async (entity: string, id: number) =>
      (
        await db.query<{ action: string; via: string; user_id: number | null; before: { status?: string } | null; after: { status?: string; name?: string } }>(
          'SELECT action, via, user_id, before, after FROM public.audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY id',
          [entity, String(id)],
        )
      ).rows;
    const allEvents = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM public.audit_events')).rows[0]!.n);

    test('each write records its event with the actor’s via: subprocesses, processes, steps and status moves', async () => {
      const cut = await createSubprocess(db, { name: 'Cutting', labourCost: '10' }, CLI);
      const sew = await createSubprocess(db, { name: 'Sewing' }, SEED);
      await updateSubprocess(db, cut.subprocessId, { category: 'Prep' }, CLI);
      await deleteSubprocess(db, sew.subprocessId, CLI);
      await restoreSubprocess(db, sew.subprocessId, CLI);
      assert.deepEqual(
        (await events('subprocess', cut.subprocessId)).map((e) => `${e.action} ${e.via}`),
        ['create cli', 'update cli'],
      );
      assert.deepEqual(
        (await events('subprocess', sew.subprocessId)).map((e) => `${e.action} ${e.via}`),
        ['create seed', 'delete cli', 'restore cli'],
      );

      const p = await createProcess(db, { name: 'Shirt', steps: [{ subprocessId: cut.subprocessId }] }, SEED);
      assert.equal(p.createdBy, null);
      await updateProcess(db, p.processId, { salesPrice: '450.00' }, CLI);
      const added = await addStep(db, p.processId, { subprocessId: sew.subprocessId }, CLI);
      const [first, second] = added.steps.map((s) => s.stepId) as [number, number];
      await updateStep(db, p.processId, second, { notes: 'double seam' }, CLI);
      await reorderSteps(db, p.processId, [second, first], CLI);
      await removeStep(db, p.processId, first, CLI);
      await replaceStructure(db, p.processId, { steps: [{ stepId: second }, { subprocessId: cut.subprocessId }] }, CLI);
      for (const action of ['activate', 'archive', 'redraft'] as ProcessAction[]) await moveProcess(db, p.processId, action, CLI);
      await deleteProcess(db, p.processId, CLI);
      await restoreProcess(db, p.processId, CLI);
      const copy = await copyProcess(db, p.processId, 'Shirt v2', CLI);
      const trail = await events('process', p.processId);
      assert.deepEqual(
        trail.map((e) => `${e.action} ${e.via}`),
        [
          'create seed',
          'update cli',
          'update cli',
          'update cli',
          'update cli',
          'update cli',
          'update cli',
          'transition cli',
          'transition cli',
          'transition cli',
          'delete cli',
          'restore cli',
        ],
      );
      assert.ok(
        trail.every((e) => e.user_id === null),
        'made at the terminal: no user',
      );
      assert.deepEqual(
        trail.filter((e) => e.action === 'transition').map((e) => `${e.before?.status}→${e.after.status}`),
        ['draft→active', 'active→archived', 'archived→draft'],
      );
      const copied = await events('process', copy.processId);
      assert.deepEqual(
        copied.map((e) => [e.action, e.via, e.after.name, (e.after as { copiedFrom?: number }).copiedFrom]),
        [['create', 'cli', 'Shirt v2', p.processId]],
      );
    });

    test('a refused write leaves no row and no event: a taken name, a move the table lacks, an empty activation, a bad step', async () => {
      const sub = await createSubprocess(db, { name: 'Pressing' }, CLI);
      const p = await createProcess(db, { name: 'Trousers' }, CLI);
      const rows = async () =>
        (
          await db.query<{ processes: string; subprocesses: string; steps: string; status: string }>(
            `SELECT (SELECT count(*) FROM public.processes) AS processes, (SELECT count(*) FROM public.subprocesses) AS subprocesses,
                    (SELECT count(*) FROM public.process_subprocesses) AS steps, (SELECT status FROM public.processes WHERE id = $1) AS status`,
            [p.processId],
          )
        ).rows[0];
      const was = { rows: await rows(), events: await allEvents() };
      const refusals: [string, () => Promise<unknown>][] = [
        ['PROCESS_NAME_TAKEN', () => createProcess(db, { name: 'TROUSERS', steps: [{ subprocessId: sub.subprocessId }] }, CLI)],
        ['SUBPROCESS_NAME_TAKEN', () => createSubprocess(db, { name: 'pressing' }, CLI)],
        ['PROCESS_EMPTY', () => moveProcess(db, p.processId, 'activate', CLI)],
        ['PROCESS_TRANSITION_REFUSED', () => moveProcess(db, p.processId, 'redraft', CLI)],
        ['INVALID_ACTION', () => moveProcess(db, p.processId, 'scrap' as ProcessAction, CLI)],
        ['INVALID_INPUT', () => addStep(db, p.processId, { subprocessId: 999_999 }, CLI)],
        ['NOT_DELETED', () => restoreProcess(db, p.processId, CLI)],
        ['NOT_FOUND', () => deleteProcess(db, 999_999, CLI)],
      ];
      for (const [code, write] of refusals) await assert.rejects(write(), (err: { code?: string }) => err.code === code, code);
      assert.deepEqual({ rows: await rows(), events: await allEvents() }, was);
    });
  });
}
