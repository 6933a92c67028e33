// The moves the API offers on an entity (its `actions`), as buttons: a move that needs a
// reason asks for it, and one that cannot be undone shows its sentence to confirm first.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { errorField } from './forms.tsx';

/** A move as the API offers it in an entity's `actions`. */
export interface OfferedMove {
  action: string;
  label: string;
  needsReason: boolean;
  /** A sentence to confirm before a move that cannot be undone. */
  confirm: string | null;
}

/**
 * A button per move; a move with a reason or a sentence to confirm opens a form that asks for
 * it (Keep it as it is closes it). `onMove` makes the move; what it throws (the API's refusal)
 * is shown under the buttons, naming the reason when the API named it.
 */
export function MoveButtons<M extends OfferedMove>({
  moves,
  idPrefix,
  reasonHelp,
  onMove,
  fields,
  className = 'move-buttons',
}: {
  moves: readonly M[];
  idPrefix: string;
  /** What becomes of the reason, under its box ("Why: it is kept in the lot's history."). */
  reasonHelp: string;
  onMove: (move: M, reason: string) => Promise<void>;
  /** What else the move's form asks (the lot's output when completing), shown after its sentence to confirm. */
  fields?: (move: M) => ReactNode;
  className?: string;
}) {
  const [running, setRunning] = useState<string | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(undefined);
  const asked = moves.find((m) => m.action === asking);

  async function run(m: M) {
    setRunning(m.action);
    setFailure(undefined);
    try {
      await onMove(m, reason);
      setAsking(null);
      setReason('');
    } catch (error) {
      setFailure(error);
    } finally {
      setRunning(null);
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (asked) void run(asked);
  };
  const aboutReason = errorField(failure) === 'reason';

  return (
    <>
      <div className={className}>
        {moves.map((m) => {
          const asks = m.needsReason || m.confirm !== null;
          return (
            <button
              key={m.action}
              type="button"
              className={m.needsReason ? 'secondary' : undefined}
              disabled={running !== null}
              aria-expanded={asks ? asking === m.action : undefined}
              onClick={() => {
                setFailure(undefined);
                if (asks) setAsking(asking === m.action ? null : m.action);
                else void run(m);
              }}
            >
              {running === m.action ? 'Working…' : asks ? `${m.label}…` : m.label}
            </button>
          );
        })}
      </div>
      {asked && (
        <form className="reason-form" onSubmit={submit} noValidate aria-label={asked.label}>
          {asked.confirm && <p>{asked.confirm}</p>}
          {fields?.(asked)}
          {asked.needsReason && (
            <>
              <label htmlFor={`${idPrefix}-reason`}>Reason</label>
              <textarea
                id={`${idPrefix}-reason`}
                rows={3}
                maxLength={2000}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-describedby={`${idPrefix}-reason-help`}
                {...(aboutReason ? { 'aria-invalid': true } : {})}
                required
              />
              <p id={`${idPrefix}-reason-help`} className="caption">
                {reasonHelp}
              </p>
            </>
          )}
          <div className="move-form-buttons">
            <button type="submit" disabled={running !== null}>
              {running === asked.action ? 'Working…' : asked.label}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(null)} disabled={running !== null}>
              Keep it as it is
            </button>
          </div>
        </form>
      )}
      {failure !== undefined && (
        <p className="alert" role="alert">
          {aboutReason && <strong>Reason: </strong>}
          {failure instanceof Error ? failure.message : 'Something went wrong: reload the page and try again.'}
        </p>
      )}
    </>
  );
}
