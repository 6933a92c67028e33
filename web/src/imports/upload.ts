// Sending a file to POST /api/imports. The API takes the file's bytes as the body (not a form),
// which api.ts (JSON only) does not send, and a large file takes a while: this sends it with
// XMLHttpRequest so the page can show how much has gone, with the session's CSRF token, and
// turns a refusal into an ApiError as api.ts does.
import { ApiError, query, refused, unsafeRequestHeaders } from '../api.ts';
import type { ImportJobDetail } from './shapes.ts';

/** The largest file the API takes (src/http/routes/imports.ts): larger is refused before it is sent. */
export const UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024;

/** The content types the API accepts for a file (it reads the format from the bytes). */
const ACCEPTED_TYPES = new Set([
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/octet-stream',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);

export interface UploadRequest {
  kind: string;
  file: File;
  /** Run at once instead of waiting to be previewed and started. */
  start?: boolean;
  encoding?: string;
  delimiter?: string;
}

/**
 * Uploads `file` as an import job of `kind`; resolves to the job the API made (waiting for a
 * start unless `start`). `onProgress` hears the fraction of the file sent so far. Rejects with
 * an ApiError carrying the API's message (415 not a file type it reads, 413 too large, 400 an
 * unknown kind or option), or code NETWORK when the server could not be reached.
 */
export async function uploadImport(request: UploadRequest, onProgress: (fraction: number) => void): Promise<ImportJobDetail> {
  const { file } = request;
  // A spreadsheet's name with a type the API does not list (application/x-csv, say) goes as
  // octet-stream; any other file goes as the browser typed it, and the API's 415 refuses it.
  const spreadsheet = /\.(csv|tsv|txt|xlsx)$/i.test(file.name);
  const type = ACCEPTED_TYPES.has(file.type) ? file.type : spreadsheet || file.type === '' ? 'application/octet-stream' : file.type;
  const path = `/api/imports${query({
    kind: request.kind,
    fileName: file.name,
    ...(request.start ? { start: 'true' } : {}),
    encoding: request.encoding,
    delimiter: request.delimiter,
  })}`;
  return new Promise<ImportJobDetail>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', type);
    for (const [name, value] of Object.entries(unsafeRequestHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as ImportJobDetail);
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        payload = undefined;
      }
      reject(refused(path, xhr.status, xhr.statusText, payload));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The server could not be reached: check your connection, then try again.'));
    xhr.send(file);
  });
}
