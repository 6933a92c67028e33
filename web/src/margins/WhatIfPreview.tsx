import { refusalMessage } from '../api.ts';
import { MarginMoves } from './MarginMoves.tsx';
import { useWhatIf } from './useWhatIf.ts';
import type { WhatIfRequest } from './useWhatIf.ts';

/**
 * Before a rate is saved: the margins the form's change would move, asked as the person types
 * (once the typing pauses). Nothing while the form is incomplete (`request` null); a change
 * saving would refuse shows saving's reason (the what-if's `refused`, without its place in the list).
 */
export function WhatIfPreview({ request, what }: { request: WhatIfRequest | null; what: string }) {
  const { whatIf, error, pending } = useWhatIf(request);
  if (request === null) return null;
  return (
    <section className="what-if" aria-label="Margins before saving" aria-busy={pending}>
      <h3 className="what-if-title">Margins before saving</h3>
      {pending && !whatIf ? (
        <p className="caption" role="status">
          Working out the margins {what} moves…
        </p>
      ) : error !== undefined ? (
        <p className="caption" role="status">
          The margins could not be worked out: {refusalMessage(error)}
        </p>
      ) : whatIf?.refused ? (
        <p className="caption" role="status">
          Saving as it stands would be refused: {whatIf.refused.message.replace(/^changes\[\d+\] \([^)]*\): /, '')}
        </p>
      ) : whatIf ? (
        <MarginMoves whatIf={whatIf} what={what} />
      ) : null}
    </section>
  );
}
