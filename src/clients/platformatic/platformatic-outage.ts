/** Causes and aggregated errors are followed this deep at most (a cyclic chain cannot loop). */
const MAX_DEPTH = 6;

interface PlatformaticError {
  code?: string;
  canRetry?: boolean;
  cause?: unknown;
  errors?: unknown[];
}

/**
 * True when a @platformatic/kafka error means the cluster did not answer or was not ready
 * (network, timeout, a retriable broker answer such as "coordinator not available"), so a new
 * consumer will work later. An authentication failure, or any error nothing retriable explains,
 * is false: retrying would only hide a mistake a person must fix. Read by shape, not by class: the
 * library's classes may come from another module registry than ours.
 */
export function isPlatformaticOutage(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return false;
  const e = error as PlatformaticError;
  if (e.code === 'PLT_KFK_AUTHENTICATION') return false;
  if (e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') return true;
  if (e.code === 'PLT_KFK_PROTOCOL' && e.canRetry === true) return true;
  const nested = [...(Array.isArray(e.errors) ? e.errors : []), e.cause];
  return nested.some((inner) => isPlatformaticOutage(inner, depth + 1));
}
