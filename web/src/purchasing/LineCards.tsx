import type { Dispatch, ReactNode, SetStateAction } from 'react';

/**
 * The lines of a new order or receipt, each a card headed "Line N" with its fields
 * (`fields`) and a button that removes it (while there is more than one), then "Add line".
 */
export function LineCards<L extends { key: number }>({
  lines,
  setLines,
  empty,
  fields,
}: {
  lines: readonly L[];
  setLines: Dispatch<SetStateAction<L[]>>;
  /** A new, empty line. */
  empty: () => L;
  fields: (line: L, index: number) => ReactNode;
}) {
  return (
    <>
      {lines.map((line, i) => (
        <fieldset key={line.key} className="card">
          <legend>Line {i + 1}</legend>
          {fields(line, i)}
          {lines.length > 1 && (
            <button type="button" className="secondary" onClick={() => setLines((ls) => ls.filter((l) => l.key !== line.key))}>
              Remove line {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      <div className="actions spaced">
        <button type="button" className="secondary" onClick={() => setLines((ls) => [...ls, empty()])}>
          Add line
        </button>
      </div>
    </>
  );
}
