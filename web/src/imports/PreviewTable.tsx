import type { ImportPreview } from './shapes.ts';
import { MarginMoves } from '../margins/MarginMoves.tsx';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/**
 * A waiting job's first rows as the import would take them: how the file was read, which
 * column each header fills, then each row's values with what importing it would do, or its
 * errors. Nothing has been written.
 */
export function PreviewTable({ preview }: { preview: ImportPreview }) {
  const label = (field: string | null) => (field === null ? 'Row' : (preview.columns.find((c) => c.key === field)?.label ?? field));
  const rejected = preview.rows.filter((r) => r.errors.length > 0).length;
  const read = [
    preview.format.toUpperCase(),
    preview.encoding,
    preview.delimiter === null ? null : `${DELIMITER_NAMES[preview.delimiter] ?? `“${preview.delimiter}”`}-separated`,
  ].filter((x): x is string => x !== null);
  const missing = preview.columns.filter((c) => c.header === null);
  const shown = preview.columns.filter((c) => c.header !== null);

  return (
    <>
      {preview.rows.length > 0 && (
        <p className="caption">
          Read as {read.join(', ')}. The first {preview.rows.length} rows as they would be imported: {preview.rows.length - rejected} would be imported,{' '}
          {rejected} rejected. Nothing has been written yet.
        </p>
      )}
      {preview.margins !== null && (
        <section className="what-if" aria-label="Margins this file moves">
          <h3 className="what-if-title">Margins this file moves</h3>
          <MarginMoves
            whatIf={preview.margins}
            doing="Importing"
            what={preview.margins.wholeFile ? 'this file' : `the file's first ${preview.margins.rowsRead.toLocaleString('en')} rows`}
          />
        </section>
      )}
      {preview.problem !== null && (
        <p className="alert" role="alert">
          This file cannot be imported: {preview.problem}
        </p>
      )}
      {(missing.length > 0 || preview.ignoredColumns.length > 0) && preview.problem === null && (
        <ul className="caption import-column-notes">
          {missing.length > 0 && <li>Not in the file, left as they are: {missing.map((c) => c.label).join(', ')}.</li>}
          {preview.ignoredColumns.length > 0 && <li>Ignored (no such column): {preview.ignoredColumns.join(', ')}.</li>}
        </ul>
      )}
      {preview.rows.length === 0 ? (
        preview.problem === null && <p className="empty">The file has a header but no rows to import.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Preview rows">
          <table className="preview">
            <caption className="visually-hidden">The first rows of the file, each with its result</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Row
                </th>
                {/* What importing the row would do comes first: it is what the preview is read for. */}
                <th scope="col">Result</th>
                {shown.map((c) => (
                  <th scope="col" key={c.key}>
                    {c.label}
                    {c.header !== null && c.header.toLowerCase() !== c.label.toLowerCase() && <span className="import-header-read"> (“{c.header}”)</span>}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.rowNumber} className={row.errors.length > 0 ? 'rejected' : undefined}>
                  <th scope="row" className="num">
                    {row.rowNumber}
                  </th>
                  <td className="result">
                    {row.errors.length > 0 ? (
                      <ul className="import-row-errors">
                        {row.errors.map((e, i) => (
                          <li key={i}>
                            <strong>{label(e.field)}:</strong> {e.message}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="import-outcome">{row.outcome ?? 'imported'}</span>
                    )}
                  </td>
                  {shown.map((c) => (
                    <td key={c.key}>{row.values[c.key] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
