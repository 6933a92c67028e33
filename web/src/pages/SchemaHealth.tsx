import { useMemo } from 'react';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime } from '../format.ts';
import '../forms.css';
import { Pager } from '../Pager.tsx';
import { useCan } from '../session.tsx';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 50;

/** /api/schema/health: what mtc status and mtc verify say of the database this server uses. */
interface Health {
  checkedAt: string;
  migrations: {
    total: number;
    applied: { id: string; path?: string; appliedAt?: string; how?: string }[];
    pending: { id: string; requires?: string[] }[];
    changed: { id: string; path: string; appliedAt: string; appliedChecksum: string; fileChecksum: string }[];
    missing: { id: string; appliedAt: string }[];
    partial: { id: string; have: string[]; lack: string[] }[];
  };
  verify: { available: true; source: string; differences: number; findings: Finding[] } | { available: false; reason: string };
}

interface Finding {
  kind: 'missing' | 'extra' | 'changed' | 'duplicate' | 'unmanaged' | 'ignored';
  object: string;
  schema: string;
  table?: string;
  name: string;
  text: string;
}

/** What each kind of finding means, and what to do about it. */
const KIND_HELP: Record<Finding['kind'], string> = {
  missing: 'declared but not in the database: apply the migration that makes it (mtc migrate), or find who dropped it',
  extra: 'in the database but declared nowhere: put it in a migration, or drop it',
  changed: 'in both, but different: a migration must make the database match, or the snapshot is out of date',
  duplicate: 'two constraints or indexes with one definition: drop one in a migration',
  unmanaged: 'not MTC’s (mtc.config.json or mtc adopt said so): listed, not compared',
  ignored: 'left out by mtc.config.json',
};

/**
 * Schema health, for admins: the migrations (applied, pending, changed since applied, missing
 * from disk) and every difference verify finds between the live schema and the declared one,
 * with what to do. The findings are searched and paged in the page.
 */
export default function SchemaHealth() {
  const canRead = useCan('schema.read');
  usePageTitle('Schema health');
  if (!canRead) {
    return (
      <>
        <h1>Schema health</h1>
        <p className="empty">Only an administrator reads the schema’s health.</p>
      </>
    );
  }
  return <HealthReport />;
}

function HealthReport() {
  const health = useApi<Health>('/api/schema/health');
  return (
    <>
      <h1>Schema health</h1>
      {health.error !== undefined ? (
        <ErrorAlert error={health.error} />
      ) : !health.data ? (
        <Loading />
      ) : (
        <>
          <Summary health={health.data} />
          <div className="actions">
            <button type="button" className="secondary" onClick={health.reload} disabled={health.loading}>
              Check again
            </button>
            <span className="caption">Checked {formatDateTime(health.data.checkedAt)}</span>
          </div>
          <Findings health={health.data} />
          <Migrations health={health.data} />
        </>
      )}
    </>
  );
}

function Summary({ health }: { health: Health }) {
  const m = health.migrations;
  const troubles = [
    m.pending.length > 0 && `${m.pending.length} migration${m.pending.length === 1 ? ' is' : 's are'} pending: run mtc migrate (npm start does).`,
    m.changed.length > 0 &&
      `${m.changed.length} applied migration${m.changed.length === 1 ? ' was' : 's were'} changed on disk: restore the file${m.changed.length === 1 ? '' : 's'} and put the change in a new migration.`,
    m.missing.length > 0 &&
      `${m.missing.length} applied migration${m.missing.length === 1 ? ' is' : 's are'} missing from disk: restore the file${m.missing.length === 1 ? '' : 's'}.`,
    m.partial.length > 0 &&
      `${m.partial.length} baseline${m.partial.length === 1 ? '' : 's'} ran only in part: apply the rest from a checkout before the squash.`,
    health.verify.available &&
      health.verify.differences > 0 &&
      `The live schema differs from ${health.verify.source} in ${health.verify.differences} place${health.verify.differences === 1 ? '' : 's'}: see below.`,
    !health.verify.available && `Verify did not run: ${health.verify.reason}.`,
  ].filter((t): t is string => typeof t === 'string');
  return (
    <section className="card" aria-labelledby="schema-summary">
      <h2 id="schema-summary">Summary</h2>
      <p>
        {m.applied.length} of {m.total} migrations applied.
        {health.verify.available && health.verify.differences === 0 && ` The live schema matches ${health.verify.source}.`}
      </p>
      {troubles.length === 0 ? (
        <p className="done" role="status">
          Healthy: nothing to do.
        </p>
      ) : (
        <div className="alert" role="alert">
          <ul>
            {troubles.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function Findings({ health }: { health: Health }) {
  const { q, page, typed, setTyped, setPage } = useSearchPage();
  const findings = health.verify.available ? health.verify.findings : [];
  const matching = useMemo(() => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    return findings.filter((f) => words.every((w) => f.text.toLowerCase().includes(w)));
  }, [findings, q]);
  const shown = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return (
    <section aria-labelledby="schema-findings">
      <h2 id="schema-findings">Verify findings</h2>
      {!health.verify.available ? (
        <p className="empty">{health.verify.reason}.</p>
      ) : findings.length === 0 ? (
        <p className="empty">No differences: every table, column, index, constraint, view, function and trigger is as {health.verify.source} declares.</p>
      ) : (
        <>
          <div className="toolbar">
            <label htmlFor="finding-search">Search findings</label>
            <input
              id="finding-search"
              type="search"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder="table, index, kind…"
              autoComplete="off"
            />
          </div>
          {shown.length === 0 ? (
            <p className="empty">No finding matches “{q}”.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">Verify findings</caption>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Object</th>
                    <th scope="col">Finding</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((f, i) => (
                    <tr key={`${f.text}-${i}`}>
                      <td>
                        <span className={`badge${f.kind === 'unmanaged' || f.kind === 'ignored' ? '' : ' status-failed'}`}>{f.kind}</span>
                      </td>
                      <td>
                        {f.object} {f.table ? `${f.schema}.${f.table}.` : `${f.schema}.`}
                        {f.name}
                      </td>
                      <td>
                        <code>{f.text}</code>
                        <p className="hint">{KIND_HELP[f.kind]}</p>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager page={page} pages={pageCount(matching.length, PAGE_SIZE)} total={matching.length} noun={['finding', 'findings']} onPage={setPage} />
        </>
      )}
    </section>
  );
}

function Migrations({ health }: { health: Health }) {
  const m = health.migrations;
  const rows = [
    ...m.changed.map((c) => ({
      id: c.id,
      state: 'Changed since applied',
      detail: `applied ${formatDateTime(c.appliedAt)}; checksum ${c.appliedChecksum.slice(0, 12)} then, ${c.fileChecksum.slice(0, 12)} on disk`,
      bad: true,
    })),
    ...m.missing.map((c) => ({ id: c.id, state: 'Missing from disk', detail: `applied ${formatDateTime(c.appliedAt)}`, bad: true })),
    ...m.partial.map((c) => ({ id: c.id, state: 'Partly applied', detail: `ran ${c.have.join(', ')}; not ${c.lack.join(', ')}`, bad: true })),
    ...m.pending.map((c) => ({
      id: c.id,
      state: 'Pending',
      detail: c.requires && c.requires.length > 0 ? `requires ${c.requires.join(', ')}` : '',
      bad: true,
    })),
    ...[...m.applied]
      .reverse()
      .map((c) => ({ id: c.id, state: c.how === 'adopted' ? 'Adopted' : 'Applied', detail: c.appliedAt ? formatDateTime(c.appliedAt) : '', bad: false })),
  ];
  return (
    <section aria-labelledby="schema-migrations">
      <h2 id="schema-migrations">Migrations</h2>
      <p className="caption">Problems first, then the applied ones, newest first.</p>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Migrations</caption>
          <thead>
            <tr>
              <th scope="col">Migration</th>
              <th scope="col">State</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.state}-${r.id}`}>
                <td>
                  <code>{r.id}</code>
                </td>
                <td>{r.bad ? <span className="badge status-failed">{r.state}</span> : r.state}</td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
