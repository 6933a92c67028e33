import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import type { WhatIf } from './shapes.ts';

/** What POST /api/rates/what-if takes: the proposed changes, in order. */
export interface WhatIfRequest {
  changes: Record<string, unknown>[];
}

/**
 * The margins a proposed change of rates would move, asked `delayMs` after the proposal last
 * changed (a form being typed asks once the typing pauses); null asks nothing. An answer for a
 * proposal no longer current is dropped, so what is shown is always the latest proposal's.
 */
export function useWhatIf(request: WhatIfRequest | null, delayMs = 400): { whatIf?: WhatIf; error?: unknown; pending: boolean } {
  const key = request === null ? null : JSON.stringify(request);
  const [state, setState] = useState<{ key: string | null; whatIf?: WhatIf; error?: unknown }>({ key: null });
  useEffect(() => {
    if (key === null) return;
    let current = true;
    const timer = setTimeout(() => {
      api<WhatIf>('POST', '/api/rates/what-if', JSON.parse(key)).then(
        (whatIf) => current && setState({ key, whatIf }),
        (error: unknown) => current && setState({ key, error }),
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, delayMs]);
  if (key === null) return { pending: false };
  if (state.key !== key) return { pending: true };
  return { ...(state.whatIf ? { whatIf: state.whatIf } : {}), ...(state.error !== undefined ? { error: state.error } : {}), pending: false };
}
