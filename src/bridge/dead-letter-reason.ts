/**
 * Why a message could not be delivered. The code is stable (metrics label, `dlq.reason_code`
 * header); the accompanying text is for the person reading the dead-letter topic.
 */
export type DeadLetterReason =
  | 'oversized'
  | 'malformed_json'
  | 'schema_violation'
  | 'field_too_long'
  | 'unroutable'
  | 'model_not_allowed'
  | 'guardian_cap_reached'
  | 'rejected_by_temporal';

export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'oversized',
  'malformed_json',
  'schema_violation',
  'field_too_long',
  'unroutable',
  'model_not_allowed',
  'guardian_cap_reached',
  'rejected_by_temporal',
];

export interface Rejection {
  reason: DeadLetterReason;
  /** Human-readable: what is wrong and, where it helps, what was expected. */
  detail: string;
  /** The event's id when it could be read, for correlating logs. */
  eventId?: string;
}
