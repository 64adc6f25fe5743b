import type { ModelEvent } from '../../src/domain/events';
import { systemEvent } from '../unit/policy/model-events';

/**
 * Valid events that push a guardian's state to its bounds: each field within its limit, the
 * event within MAX_MODEL_EVENT_BYTES, and everything a producer chooses as large as allowed.
 */

/** About 50 KB: 32 assumptions of 1,000 characters (they enter the decision's reason) and extras. */
export function largeEvent(model: string, i: number): ModelEvent {
  return {
    ...systemEvent('prediction_latency_high', { model, severity: 'LOW', eventId: `large-${i}` }),
    assumptions: Array.from({ length: 32 }, (_, k) => `assumption ${k}: `.padEnd(1000, 'a')),
    extras: { note: 'n'.repeat(16_000) },
  };
}

/** An event of a made-up type, one new type per `i`, with an event id of the longest allowed. */
export function madeUpTypeEvent(model: string, i: number): ModelEvent {
  return systemEvent(`made_up_type_${i}`.padEnd(100, '_'), {
    model,
    severity: 'HIGH',
    eventId: `made-up-${i}-`.padEnd(256, 'x'),
  });
}
