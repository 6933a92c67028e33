import { formatStatus } from '../format.ts';
import type { LotStatus } from './types.ts';

/** A lot's status as a badge ("In progress"), coloured by what it means. */
export function StatusBadge({ status }: { status: LotStatus }) {
  return <span className={`badge lot-status status-${status}`}>{formatStatus(status)}</span>;
}
