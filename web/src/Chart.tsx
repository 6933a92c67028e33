// Charts where a reader would rather look than read: horizontal bars drawn in HTML, so every
// figure is also text (a screen reader reads the table; the bars are decoration), they follow
// the page's width on a tablet, and no charting library is loaded.
import type { ReactNode } from 'react';
import './chart.css';

/** One row of a bar chart: what it is, and a value for each series (in the series' order). */
export interface Bar {
  /** Shown at the start of the row: plain text, or a link. */
  label: ReactNode;
  /** React's key for the row; the label when it is text. */
  key?: string | number;
  values: readonly number[];
  /** A word added to the bars' class, to colour a row by what it is (e.g. a lot status). */
  tone?: string;
}

export interface BarChartProps {
  /** What the chart shows, as its accessible name and caption ("Costs by subprocess"). */
  label: string;
  /** The series' names ("Worst case", "Best case"); a legend shows when there are two or more. */
  series: readonly string[];
  bars: readonly Bar[];
  /** How a value reads next to its bar. */
  format: (value: number) => string;
  /** A line under the caption: what the figures are. */
  note?: string;
  /** Show the caption (default) or only name the chart for assistive technology. */
  captionShown?: boolean;
}

/**
 * A horizontal bar chart as a table: a row per bar, a bar per series, each bar as long as its
 * value against the largest value in the chart (negative values draw no bar; their figures
 * still read).
 */
export function BarChart({ label, series, bars, format, note, captionShown = true }: BarChartProps) {
  const most = Math.max(0, ...bars.flatMap((b) => b.values));
  const width = (v: number) => (most <= 0 || v <= 0 ? '0%' : `${(100 * v) / most}%`);
  return (
    <figure className="chart">
      <table className="chart-table">
        <caption className={captionShown ? 'chart-caption' : 'visually-hidden'}>
          {label}
          {note && <span className="chart-note">{note}</span>}
        </caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Name</th>
            <th scope="col">{series.join(', ')}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar, row) => (
            <tr key={bar.key ?? (typeof bar.label === 'string' ? bar.label : row)}>
              <th scope="row" className="chart-label">
                {bar.label}
              </th>
              <td className="chart-cell">
                {series.map((s, i) => (
                  <span key={s} className="chart-line">
                    <span className="chart-track" aria-hidden="true">
                      <span className={`chart-bar series-${i}${bar.tone ? ` tone-${bar.tone}` : ''}`} style={{ width: width(bar.values[i] ?? 0) }} />
                    </span>
                    <span className="chart-value">
                      {series.length > 1 && <span className="visually-hidden">{s}: </span>}
                      {format(bar.values[i] ?? 0)}
                    </span>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {series.length > 1 && (
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s}>
              <span className={`chart-swatch series-${i}`} />
              {s}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
