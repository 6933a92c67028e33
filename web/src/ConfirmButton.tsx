import { useEffect, useRef, useState } from 'react';

/**
 * A button for an action that cannot be undone: a first press asks, in the page, whether to go
 * on; "Yes" runs the action (the button says `busyLabel` while it does), "No" puts the button
 * back, with the focus on it.
 */
export function ConfirmButton({
  label,
  labelForAll,
  question,
  confirmLabel,
  busyLabel,
  keepLabel,
  disabled = false,
  onAsk,
  onConfirm,
}: {
  label: string;
  /** The first button's name for assistive technology, when its label alone says too little ("Delete" in a row). */
  labelForAll?: string;
  /** What the action will do, in numbers where it has them ("Its 3 variants hold 12 pcs."). */
  question: string;
  confirmLabel: string;
  busyLabel: string;
  keepLabel: string;
  /** The first button is off (another action runs, or the page holds this one back). */
  disabled?: boolean;
  /** Called as the question is asked: to fetch the numbers it gives (the question updates when they arrive). */
  onAsk?: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (!asking && asked.current) trigger.current?.focus();
    asked.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        type="button"
        className="secondary"
        ref={trigger}
        aria-label={labelForAll}
        disabled={disabled}
        onClick={() => {
          onAsk?.();
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <div className="confirm-ask" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="confirm-yes"
        disabled={busy}
        autoFocus
        onClick={() => {
          setBusy(true);
          onConfirm().finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {busy ? busyLabel : confirmLabel}
      </button>
      <button type="button" className="secondary" disabled={busy} onClick={() => setAsking(false)}>
        {keepLabel}
      </button>
    </div>
  );
}
