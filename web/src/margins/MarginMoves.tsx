import { Link } from 'react-router';
import { formatDay, formatMoney } from '../format.ts';
import type { MarginState, WhatIf } from './shapes.ts';
import './margins.css';

const percent = (m: string | null) => (m === null ? 'no sales price' : `${m}%`);

/** A worst-case figure before → after, the after marked when it is below the target. */
function Move({ before, after, show }: { before: MarginState; after: MarginState; show: (s: MarginState) => string }) {
  return (
    <>
      {show(before)} → <strong>{show(after)}</strong>
    </>
  );
}

/**
 * The processes a change of rates moves (its what-if): each one's run, unit cost and
 * worst-case margin before → after, against its target; those the change takes below target
 * are marked first. `what` names the change in the caption ("this rate", "this file"), `doing`
 * what would make it happen.
 */
export function MarginMoves({ whatIf, what, doing = 'Saving' }: { whatIf: WhatIf; what: string; doing?: 'Saving' | 'Importing' }) {
  const day = formatDay(whatIf.asOf);
  if (whatIf.processes.length === 0)
    return (
      <p className="caption margin-moves-none" role="status">
        {whatIf.processesCosted === 0
          ? `No process uses the variants of ${what}: no margin moves.`
          : `${what[0]!.toUpperCase()}${what.slice(1)} moves no process's worst-case cost on ${day} (${whatIf.processesCosted} ${whatIf.processesCosted === 1 ? 'process uses' : 'processes use'} its variants).`}
      </p>
    );
  return (
    <div className="margin-moves" role="region" aria-label="Margins this change moves">
      <p className="caption" role="status">
        {doing} {what} would move {whatIf.processes.length} {whatIf.processes.length === 1 ? 'process' : 'processes'} (worst case, usual lot size, rates of{' '}
        {day}){whatIf.fellBelow > 0 ? `: ${whatIf.fellBelow} would fall below target` : ''}
        {whatIf.roseAbove > 0 ? `${whatIf.fellBelow > 0 ? ',' : ':'} ${whatIf.roseAbove} would reach target again` : ''}.
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Processes and their margins before and after">
        <table>
          <caption className="visually-hidden">Processes whose worst-case margin the change moves</caption>
          <thead>
            <tr>
              <th scope="col">Process</th>
              <th scope="col" className="num">
                Run
              </th>
              <th scope="col" className="num">
                Unit cost
              </th>
              <th scope="col" className="num">
                Margin
              </th>
              <th scope="col" className="num">
                Target
              </th>
            </tr>
          </thead>
          <tbody>
            {whatIf.processes.map((p) => (
              <tr key={p.processId}>
                <th scope="row">
                  <Link to={`/processes/${p.processId}`}>{p.name}</Link>
                  {p.crossed === 'below' && (
                    <>
                      {' '}
                      <span className="badge below-target">falls below target</span>
                    </>
                  )}
                  {p.crossed === 'above' && (
                    <>
                      {' '}
                      <span className="badge">back to target</span>
                    </>
                  )}
                  {p.crossed === null && p.after.belowTarget && (
                    <>
                      {' '}
                      <span className="badge below-target">still below target</span>
                    </>
                  )}
                  {!p.after.complete && <span className="caption"> (some variants unpriced: lower bounds)</span>}
                </th>
                <td className="num">{p.quantity}</td>
                <td className="num">
                  <Move before={p.before} after={p.after} show={(s) => formatMoney(s.unit)} />
                </td>
                <td className="num">
                  <Move before={p.before} after={p.after} show={(s) => percent(s.margin)} />
                </td>
                <td className="num">{p.targetMargin}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
