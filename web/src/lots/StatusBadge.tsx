import { formatStatus } from '../format.ts';

/** A lot's status as a badge ("In progress"), coloured by what it means. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge lot-status status-${status}`}>{formatStatus(status)}</span>;
}
