import { stdSerializers } from 'pino';
import type { SecretScrubber } from './secret-scrubber';

/** What a value under a secret-looking key is logged as. */
export const REDACTED_FIELD = '[REDACTED]';

// Compared with the key lower-cased and stripped of "_", "-" and ".", so `mlflowTrackingToken`,
// `MLFLOW_TRACKING_TOKEN` and `x-api-key` all match. Ends-with, so `tokenCount` stays readable.
const SECRET_KEY =
  /(password|passwd|passphrase|secrets?|tokens?|apikey|accesskey|privatekey|authorization|cookie|credentials?|sasl|webhookurl|databaseurl|connectionstring)$/;

/** Whether a field of this name holds a secret, whatever its nesting or spelling. */
export function isSecretKey(key: string): boolean {
  const normal = key.toLowerCase().replace(/[_.-]/g, '');
  return normal === 'key' || SECRET_KEY.test(normal);
}

// Deeper structures are cut off: a log line is no place for them and a bound keeps the walk cheap.
const MAX_DEPTH = 10;

/**
 * A copy of a value to be logged with secret-looking fields replaced at any depth, secrets
 * scrubbed from every string (messages and stacks of errors included), errors serialised.
 */
export function redactLogValue(value: unknown, scrubber: SecretScrubber): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrubber.scrub(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(v);
    try {
      if (v instanceof Error) return walk({ ...stdSerializers.err(v) }, depth);
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
      // What JSON.stringify would write for it (a URL's href, a Date's ISO string), scrubbed.
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return walk(toJSON.call(v), depth + 1);
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(v)) {
        out[key] =
          isSecretKey(key) && field !== undefined && field !== null ? REDACTED_FIELD : walk(field, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}
