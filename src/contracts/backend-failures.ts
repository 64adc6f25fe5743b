/**
 * ApplicationFailure types the backends throw. Retryable ones let the workflow's retry policy
 * back off; non-retryable ones say why another attempt cannot help.
 */

/** The backend could not be reached, timed out, or answered 5xx/408/429: worth another attempt. */
export const BACKEND_UNAVAILABLE_FAILURE = 'BackendUnavailable';

/** The backend refused the request (a 4xx other than 408/429): retrying the same request cannot succeed. */
export const BACKEND_REJECTED_FAILURE = 'BackendRejected';

/** The backend answered, but not in the documented contract. */
export const BACKEND_PROTOCOL_FAILURE = 'BackendProtocolError';

/** No backend is configured for an action that needs one. */
export const BACKEND_NOT_CONFIGURED_FAILURE = 'BackendNotConfigured';
