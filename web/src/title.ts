import { useEffect } from 'react';

/** Names the browser tab after the page: "Items · MTC". */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · MTC`;
  }, [title]);
}
