// Small pieces the subprocess and process pages share.
import { ApiError, refusalMessage } from '../api.ts';
import { formatStatus } from '../format.ts';
import { useApi } from '../useApi.ts';
import type { ProcessStatus, ProcessStatusInfo } from './model.ts';

/**
 * An API refusal in role=alert: the API's message (it says what to do), and the field it
 * names as the form labels it ("body/name" → "Name").
 */
export function ActionError({ error, labels = {}, prefix }: { error: unknown; labels?: Record<string, string>; prefix?: string }) {
  const field = error instanceof ApiError && error.field ? error.field.replace(/^body\//, '') : undefined;
  const message = refusalMessage(error);
  const label = field ? (labels[field] ?? labels[field.split('/')[0] ?? ''] ?? field) : undefined;
  return (
    <p className="alert" role="alert">
      {prefix ? `${prefix} ` : ''}
      {label ? <strong>{label}: </strong> : null}
      {message}
    </p>
  );
}

/** A process status as a badge (draft, active, archived). */
export function StatusBadge({ status }: { status: ProcessStatus }) {
  return <span className={`badge process-status-${status}`}>{formatStatus(status)}</span>;
}

/** The statuses a process can be in, in order, with the words for each, as the API serves them; undefined while they load. */
export function useProcessStatuses(): ProcessStatusInfo[] | undefined {
  return useApi<{ statuses: ProcessStatusInfo[] }>('/api/processes/statuses').data?.statuses;
}

/** The kinds of cost item a step may have, as the API serves them; undefined while they load. */
export function useCostTypes(): string[] | undefined {
  return useApi<{ costTypes: string[] }>('/api/processes/cost-types').data?.costTypes;
}
