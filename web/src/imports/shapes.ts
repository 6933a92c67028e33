// The import API's bodies as the import pages read them (the OpenAPI document at /api/docs has them whole).
// The job's state machine is the API's: a job says what it is called, whether it has ended and
// what the caller may do to it next; the statuses to filter by come from GET /api/imports/statuses.

import type { WhatIf } from '../margins/shapes.ts';

/** A move the caller may make on a job now, as the API offers it. */
export interface JobAction {
  /** The move, and the last part of its route (POST /api/imports/{id}/{action}). */
  action: string;
  label: string;
  to: string;
  needsReason: boolean;
  /** The sentence to confirm before the move, or null when none is asked. */
  confirm: string | null;
}

/** A status a job can be in, as GET /api/imports/statuses lists it. */
export interface ImportStatusInfo {
  name: string;
  label: string;
  final: boolean;
}

/** A job: what was uploaded, where it stands, and its counters. */
export interface ImportJobDetail {
  id: number;
  kind: string;
  status: string;
  /** The status as a person reads it. */
  statusLabel: string;
  /** Nothing more will happen to it. */
  ended: boolean;
  /** What the signed-in user may do to it now. */
  actions: JobAction[];
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
  /** For a rates file: the margins importing it would move (its first `rowsRead` rows); null for other kinds. */
  margins: (WhatIf & { rowsRead: number; wholeFile: boolean }) | null;
}

/** A job the server is working on or will take up by itself: its page keeps asking how it goes. */
export function isActive(job: Pick<ImportJobDetail, 'ended' | 'awaitingStart'>): boolean {
  return !job.ended && !job.awaitingStart;
}

/** A job uploaded to be previewed, that waits for someone to start it. */
export function isWaiting(job: Pick<ImportJobDetail, 'ended' | 'awaitingStart'>): boolean {
  return !job.ended && job.awaitingStart;
}
