/**
 * kafkajs errors that mean "the cluster did not answer in time", not "this can never work".
 * kafkajs gives up on some of them for good: after a broker restart that outlasts its retries
 * (a busy machine, a slow log recovery) it crashes the consumer with
 * `KafkaJSNonRetriableError` caused by `KafkaJSGroupCoordinatorNotFound` and does not restart it.
 */
const OUTAGE_ERROR_NAMES = new Set([
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSNumberOfRetriesExceeded',
]);

/** Causes are followed this deep at most (a cyclic chain cannot loop). */
const MAX_CAUSE_DEPTH = 10;

/**
 * True when a consumer crash comes from the cluster being unreachable or not ready, so starting
 * the consumer again later will work. Anything else (authentication, authorisation, a bad
 * setting) is false: retrying it would only hide a mistake a person must fix.
 */
export function isBrokerOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
    if (current.name === 'KafkaJSSASLAuthenticationError') return false;
    if (OUTAGE_ERROR_NAMES.has(current.name)) return true;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return false;
}
