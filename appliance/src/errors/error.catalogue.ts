/**
 * The error catalogue of the REST API: every error a client can receive has a stable code, an HTTP status and a
 * message (English; the UI translates by code). All errors go out in one JSON shape,
 * `{ "error": { "code", "message", "details"? } }`, never with a stack trace. docs/errors.md lists the same codes
 * (a test keeps both in step).
 */

/** One catalogue entry. */
export interface ErrorSpec {
  status: number;
  message: string;
}

/** Every error code of the API. */
export const ERROR_CATALOGUE = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  validation_failed: { status: 400, message: 'Some fields are invalid.' },
  auth_required: { status: 401, message: 'Sign in first.' },
  invalid_credentials: { status: 401, message: 'Wrong user name or password.' },
  account_locked: { status: 423, message: 'Too many failed sign-ins; the account is locked for a while.' },
  session_expired: { status: 401, message: 'The session has expired; sign in again.' },
  csrf_failed: { status: 403, message: 'The request is missing its CSRF token.' },
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  setup_token_invalid: { status: 401, message: 'The setup token is wrong.' },
  setup_required: { status: 503, message: 'The appliance is not set up yet; finish the setup wizard first.' },
  setup_completed: { status: 410, message: 'Setup is already complete.' },
  not_found: { status: 404, message: 'Not found.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  capture_failed: { status: 422, message: 'The capture could not run on that interface.' },
  mail_failed: { status: 422, message: 'The email could not be sent.' },
  blocklist_token_invalid: { status: 401, message: 'The block-list token is missing or wrong.' },
  raw_storage_off: { status: 409, message: 'Raw values are not stored: enable raw storage of sensitive values in the storage settings first.' },
  last_admin: { status: 409, message: 'The last administrator cannot be removed or lose the administrator role.' },
  restart_unsupervised: { status: 409, message: 'The service is not run by a supervisor that would start it again; restart it where it was started.' },
  internal: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, ErrorSpec>;

/** A code of the catalogue. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error to send to the client, by catalogue code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    /** Field errors or other safe, structured detail. */
    readonly details?: unknown,
    message?: string,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.status = ERROR_CATALOGUE[code].status;
  }
}

/** The JSON body of an error answer. */
export function errorBody(err: ApiError): { error: { code: string; message: string; details?: unknown } } {
  return err.details === undefined ? { error: { code: err.code, message: err.message } } : { error: { code: err.code, message: err.message, details: err.details } };
}
