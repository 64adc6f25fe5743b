/**
 * The `Idempotency-Key` header of a backend request: a model and the event that caused it.
 * HTTP header values must be visible ASCII, so a name outside it (CJK, emoji) is
 * percent-encoded; ASCII keys stay as they were, and two different names never share a key.
 */
export function idempotencyKey(modelName: string, triggeringEventId: string): string {
  const key = `${modelName}:${triggeringEventId}`;
  return /^[\x21-\x7e]+$/.test(key) ? key : encodeURIComponent(key);
}
