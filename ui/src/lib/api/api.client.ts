// The UI's HTTP client for the appliance's REST API (/api/v1): JSON in and out, same-origin cookies, the CSRF token
// on every state-changing request, and errors from the service's catalogue turned into ApiError.
/** An error answer from the API (or a network failure, code `network`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** Catalogue code (e.g. `auth_required`), or `network` / `bad_response`. */
    readonly code: string,
    /** HTTP status, 0 when the request did not complete. */
    readonly status: number,
    message: string,
    /** Field errors of a validation failure, when the service sent them. */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

let csrfToken = '';

/** Sets the CSRF token sent with state-changing requests (from the login or session answer). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Options of one request. */
export interface RequestOptions {
  /** Query parameters (undefined values are left out). */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  signal?: AbortSignal;
  /** Extra headers (e.g. the setup token during the wizard). */
  headers?: Record<string, string>;
}

/** Base path of the versioned API. */
export const API_BASE = '/api/v1';

/** Builds the URL of `path` under {@link API_BASE} with `query`. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const s = qs.toString();
  return `${API_BASE}${path}${s ? `?${s}` : ''}`;
}

/** Uploads a capture file as the raw request body (streamed by the browser). Throws {@link ApiError}. */
export async function uploadFile<T>(path: string, file: Blob, query?: RequestOptions['query']): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/octet-stream' };
  if (csrfToken !== '') headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch {
    throw new ApiError('network', 0, 'network error');
  }
  const payload = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) throw new ApiError(payload.error?.code ?? `http_${res.status}`, res.status, payload.error?.message ?? `HTTP ${res.status}`);
  return payload as T;
}

/** Sends one request and returns the parsed JSON answer (undefined for 204). Throws {@link ApiError}. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== '') headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as { name?: string }).name === 'AbortError') throw err;
    throw new ApiError('network', 0, 'network error');
  }
  if (res.status === 204) return undefined as T;
  let payload: unknown;
  try {
    payload = await res.json();
  } catch {
    throw new ApiError('bad_response', res.status, `unreadable answer (${res.status})`);
  }
  if (!res.ok) {
    const e = (payload as { error?: { code?: string; message?: string; details?: unknown } }).error ?? {};
    throw new ApiError(e.code ?? `http_${res.status}`, res.status, e.message ?? `HTTP ${res.status}`, e.details);
  }
  return payload as T;
}
