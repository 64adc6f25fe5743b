/**
 * Names and labels that reach workflow ids, PostgreSQL, HTTP headers and chat messages must be
 * plain text: no control characters (NUL breaks every PostgreSQL write), no unpaired UTF-16
 * surrogates (two such names can map to one workflow id), no bidirectional overrides (a name
 * that reads differently from what it is), and bounded in length.
 */
import { MAX_METRICS_JSON_CHARS, TEXT_LIMITS } from '../events';

// Finding control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BIDI_CONTROL = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Most affected features one event may list. */
export const MAX_AFFECTED_FEATURES = 1_000;

function codePoint(text: string, index: number): string {
  return `U+${text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `text` is not plain text of at most `max` characters; undefined when it is. */
export function unsafeTextReason(text: string, max: number): string | undefined {
  if (text.length > max) return `is ${text.length} characters long, over the limit of ${max}`;
  for (const [pattern, what] of [
    [CONTROL, 'a control character'],
    [UNPAIRED_SURROGATE, 'an unpaired surrogate (not valid Unicode)'],
    [BIDI_CONTROL, 'a bidirectional-text control'],
  ] as const) {
    const found = pattern.exec(text);
    if (found) return `contains ${what} (${codePoint(text, found.index)} at position ${found.index})`;
  }
  return undefined;
}

/** What is wrong with an event's text: too long (`field_too_long`), or not plain text. */
export interface UnsafeField {
  tooLong: boolean;
  /** Names the field and the limit or the offending character, e.g. `severity is 40 characters long, …`. */
  detail: string;
}

/** The first field of an event that is over its limit or not plain text; undefined when all are fine. */
export function unsafeFieldOf(event: Record<string, unknown>): UnsafeField | undefined {
  for (const [field, max] of Object.entries(TEXT_LIMITS)) {
    const value = event[field];
    if (typeof value !== 'string') continue;
    const reason = unsafeTextReason(value, max);
    if (reason) return { tooLong: value.length > max, detail: `${field} ${reason}` };
  }
  const features = event.affected_features;
  if (Array.isArray(features)) {
    if (features.length > MAX_AFFECTED_FEATURES) {
      return {
        tooLong: true,
        detail: `affected_features lists ${features.length} features, over the limit of ${MAX_AFFECTED_FEATURES}`,
      };
    }
    for (const [i, feature] of features.entries()) {
      const reason = typeof feature === 'string' ? unsafeTextReason(feature, TEXT_LIMITS.feature) : undefined;
      if (reason) {
        return { tooLong: feature.length > TEXT_LIMITS.feature, detail: `affected_features[${i}] ${reason}` };
      }
    }
  }
  const metrics = event.metrics;
  if (typeof metrics === 'object' && metrics !== null) {
    const chars = JSON.stringify(metrics).length;
    if (chars > MAX_METRICS_JSON_CHARS) {
      return {
        tooLong: true,
        detail: `metrics is ${chars} characters as JSON, over the limit of ${MAX_METRICS_JSON_CHARS}`,
      };
    }
  }
  return undefined;
}
