// The import API's bodies as the import pages read them (the OpenAPI document at /api/docs has them whole).

export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A job: what was uploaded, where it stands, and its counters. */
export interface ImportJobDetail {
  id: number;
  kind: string;
  status: ImportStatus;
  /** Why it failed, how many rows were rejected, or why it was cancelled. */
  message: string | null;
  userId: number | null;
  fileName: string | null;
  format: 'csv' | 'xlsx' | null;
  sizeBytes: number | null;
  /** Uploaded without start=true: nothing runs until POST /api/imports/{id}/start. */
  awaitingStart: boolean;
  /** Data rows in the file once counted; 0 before. */
  totalRows: number;
  processedRows: number;
  successCount: number;
  failureCount: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
}

/** One problem of a rejected row (a row may have several). */
export interface RowError {
  rowNumber: number;
  field: string | null;
  message: string;
  rawRow: string | null;
}

export interface PreviewRow {
  rowNumber: number;
  values: Record<string, string>;
  errors: { field: string | null; message: string }[];
  /** What importing it would do; null when it would be rejected. */
  outcome: string | null;
}

/** The first rows of a job's file as they would be imported; nothing written. */
export interface ImportPreview {
  kind: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  columns: { key: string; label: string; header: string | null; required: boolean }[];
  ignoredColumns: string[];
  rows: PreviewRow[];
  /** Why the file cannot be imported at all, or null. */
  problem: string | null;
}

/** A job the server is working on or will take up by itself: its page keeps asking how it goes. */
export function isActive(job: Pick<ImportJobDetail, 'status' | 'awaitingStart'>): boolean {
  return job.status === 'running' || (job.status === 'pending' && !job.awaitingStart);
}

/** A job that has ended: nothing more will happen to it. */
export function hasEnded(job: Pick<ImportJobDetail, 'status'>): boolean {
  return job.status !== 'pending' && job.status !== 'running';
}
