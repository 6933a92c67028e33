/**
 * Previous and Next for a list shown a page at a time, with where the reader is. `capped`: the
 * API counted up to `total` and stopped (`totalCapped`), so there are that many or more.
 */
export function Pager({
  page,
  pages,
  total,
  capped = false,
  noun,
  onPage,
}: {
  page: number;
  pages: number;
  total: number;
  capped?: boolean;
  noun: [string, string];
  onPage: (page: number) => void;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span aria-live="polite">
        Page {page} of {capped ? `${pages}+` : pages} · {capped ? `${total.toLocaleString('en')} or more` : total} {total === 1 ? noun[0] : noun[1]}
      </span>
      <button type="button" className="secondary" disabled={page >= pages && !capped} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
