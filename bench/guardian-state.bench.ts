/**
 * `npm run bench -- guardian-state`: how much state a guardian carries from one run to the next
 * (its continue-as-new input) for a normal event stream and a hostile one, before and after the
 * `guardian-bounded-state` patch. In process, without Temporal: the guardian's own state code (the
 * shared policy with its limits, decision entries, the bounded history, the event queue and the
 * carry budget) over each stream, as the workflow runs it; a run ends with the stream's last
 * minute still queued (the most a draining run waits), which is when a flood is carried.
 * The same bound on the real workflow and server: test/integration/guardian-bounded-state.test.ts.
 * Figures: bench/results/guardian-state.json.
 */
import { randomUUID } from 'node:crypto';
import type { GuardianCarriedState } from '../src/contracts/guardian-messages';
import { clipText } from '../src/domain/clip-text';
import { type ModelEvent, parseModelEvent } from '../src/domain/events';
import { jsonBytes } from '../src/domain/json-bytes';
import {
  evaluateEvent,
  LEGACY_POLICY_STATE_LIMITS,
  POLICY_STATE_LIMITS,
  type PolicyStateLimits,
} from '../src/domain/policy';
import { CARRY_BUDGET, fitCarriedState } from '../src/workflows/guardian/carry-budget';
import { entryForDecision } from '../src/workflows/guardian/decision-entries';
import { EventQueue } from '../src/workflows/guardian/event-queue';
import { appendToHistory } from '../src/workflows/guardian/history';
import { initialGuardianState } from '../src/workflows/guardian/initial-state';
import { writeBenchResult } from './lib/results';

const MODEL = 'fraud-detector';
const START = Date.parse('2026-03-02T09:00:00Z');
/** A draining run stops taking events for up to a minute (DRAIN_LIMIT_MS): what arrives then is queued. */
const DRAIN_MS = 60_000;
const KNOWN = [
  'data_drift_detected',
  'model_performance_degraded',
  'system_overload',
  'prediction_latency_high',
];

interface TimedEvent {
  at: number;
  event: Record<string, unknown>;
}

function valid(raw: Record<string, unknown>): Record<string, unknown> {
  const parsed = parseModelEvent(raw);
  if (!parsed.ok) throw new Error(`bench event is invalid: ${parsed.reason}`);
  return raw;
}

/** A day of ordinary traffic: 2,000 events of the table's types, one every 40 s, UUID ids. */
function normalStream(): TimedEvent[] {
  return Array.from({ length: 2_000 }, (_, i) => {
    const type = KNOWN[i % KNOWN.length];
    const at = START + i * 40_000;
    const base = {
      event_id: randomUUID(),
      event_type: type,
      timestamp: new Date(at).toISOString(),
      source: 'monitoring',
      model_name: MODEL,
      severity: ['LOW', 'MEDIUM', 'HIGH'][i % 3],
    };
    const fields =
      type === 'data_drift_detected'
        ? { drift_score: 0.3, affected_features: ['age', 'income'] }
        : type === 'model_performance_degraded'
          ? { performance_drop: 0.05 }
          : { service_name: 'fraud-api', metrics: { cpu: 0.93, p99_ms: 840 } };
    return { at, event: valid({ ...base, ...fields }) };
  });
}

/**
 * What an attacker who can produce events sends: 300 valid events of about 50 KB (32 assumptions
 * of 1,000 characters, extras) and 500 made-up event types with the longest ids allowed, ten a second.
 */
function hostileStream(): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (let i = 0; i < 800; i++) {
    const at = START + i * 100;
    const large = i % 8 < 3 && i < 800;
    const raw = large
      ? {
          event_id: `large-${i}`,
          event_type: 'prediction_latency_high',
          timestamp: new Date(at).toISOString(),
          source: 'x',
          model_name: MODEL,
          severity: 'LOW',
          assumptions: Array.from({ length: 32 }, (_, k) => `assumption ${k}: `.padEnd(1000, 'a')),
          extras: { note: 'n'.repeat(16_000) },
        }
      : {
          event_id: `made-up-${i}-`.padEnd(256, 'x'),
          event_type: `made_up_type_${i}`.padEnd(100, '_'),
          timestamp: new Date(at).toISOString(),
          source: 'x',
          model_name: MODEL,
          severity: 'HIGH',
        };
    events.push({ at, event: valid(raw) });
  }
  return events;
}

/** One run over the stream as the guardian runs it, then the input it would continue as new with. */
function carriedAfter(stream: TimedEvent[], bounded: boolean) {
  const limits: PolicyStateLimits = bounded ? POLICY_STATE_LIMITS : LEGACY_POLICY_STATE_LIMITS;
  const state: GuardianCarriedState = initialGuardianState(
    { modelName: MODEL, settings: { businessHours: { startHour: 0, endHour: 23 } } },
    START,
  );
  let refused = 0;
  const queue = new EventQueue(state, bounded, () => refused++);
  const decide = (payload: unknown, now: number) => {
    const parsed = parseModelEvent(payload);
    if (!parsed.ok) throw new Error(parsed.reason);
    const event: ModelEvent = parsed.event;
    const result = evaluateEvent(
      { policy: state.policy, seenEventIds: state.seenEventIds },
      event,
      now,
      state.settings,
      limits,
    );
    if (result.evaluation.duplicate) return;
    state.policy = result.state.policy;
    state.seenEventIds = result.state.seenEventIds;
    const entry = entryForDecision(result.evaluation.decision, event, now);
    if (bounded) entry.reason = clipText(entry.reason, CARRY_BUDGET.decisionTextChars);
    delete entry.input; // written to the audit row, then dropped
    appendToHistory(state.history, entry);
  };
  const drainFrom = stream[stream.length - 1].at - DRAIN_MS;
  for (const { at, event } of stream) {
    if (at < drainFrom) decide(event, at);
    else queue.add(event);
  }
  // The run wants to end: with the bound it first decides what is over the queue's share.
  const end = stream[stream.length - 1].at;
  while (queue.overCarryBudget) decide(queue.take(), end);
  const next = { ...state, previousRuns: 1 };
  const started = process.hrtime.bigint();
  const carried = bounded ? fitCarriedState(next).carried : next;
  const fitMs = Number(process.hrtime.bigint() - started) / 1e6;
  const input = { modelName: MODEL, carried };
  return {
    inputBytes: jsonBytes(input),
    underBudget: jsonBytes(input) < CARRY_BUDGET.totalBytes,
    overTemporalLimit: jsonBytes(input) > 2 * 1024 * 1024,
    parts: {
      queuedEvents: { count: carried.queuedEvents.length, bytes: jsonBytes(carried.queuedEvents) },
      history: { count: carried.history.length, bytes: jsonBytes(carried.history) },
      seenEventIds: { count: carried.seenEventIds.length, bytes: jsonBytes(carried.seenEventIds) },
      cooldowns: {
        count: Object.keys(carried.policy.cooldowns).length,
        bytes: jsonBytes(carried.policy.cooldowns),
      },
      recentResponses: {
        count: carried.policy.recentResponses.length,
        bytes: jsonBytes(carried.policy.recentResponses),
      },
    },
    refusedOnArrival: refused,
    fitCarriedStateMs: bounded ? Math.round(fitMs * 10) / 10 : undefined,
  };
}

function main(): void {
  const streams = { normal: normalStream(), hostile: hostileStream() };
  const figures: Record<string, unknown> = {};
  for (const [name, stream] of Object.entries(streams)) {
    figures[name] = {
      events: stream.length,
      streamBytes: jsonBytes(stream.map((e) => e.event)),
      beforePatch: carriedAfter(stream, false),
      withBoundedState: carriedAfter(stream, true),
    };
  }
  writeBenchResult('guardian-state', figures, {
    mode: 'in process: the guardian state modules over each stream, one run, its last minute queued at the end',
    budget: CARRY_BUDGET,
    policyStateLimits: POLICY_STATE_LIMITS,
    normal: '2,000 events of the table types, one every 40 s',
    hostile: '300 events of ~50 KB + 500 made-up event types with 256-character ids, ten a second',
  });
}

main();
