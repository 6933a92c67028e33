// What a page says happened after a change: a status line that takes the focus, since the
// button that made the change may be gone from the page now.
import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';

/**
 * The notice a page shows (`initial`: what the page it came from said), the ref its status
 * line (`tabIndex={-1}`) takes, and `say` to show another and move the focus to it.
 */
export function useNotice(initial: string | null): { notice: string | null; ref: RefObject<HTMLParagraphElement | null>; say: (message: string) => void } {
  const [notice, setNotice] = useState<string | null>(initial);
  const ref = useRef<HTMLParagraphElement>(null);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    if (changes > 0) ref.current?.focus();
  }, [changes]);
  const say = (message: string) => {
    setNotice(message);
    setChanges((n) => n + 1);
  };
  return { notice, ref, say };
}
