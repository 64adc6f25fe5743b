import type { ModelEvent } from '../events';
import { type IngestSettings, readEvent } from '../ingest/read-event';
import type { Severity } from './actions';
import { evaluateEvent, type ModelPolicyState } from './evaluate-event';
import { emptyPolicyState, takeDueRetrain, type PendingRetrain } from './policy-state';
import type { GuardianSettings } from './settings';

/** What `simulate` reports for one input event (snake_case: it is printed as JSON). */
export interface SimulatedDecision {
  line: number;
  event_id: string;
  model_name: string;
  event_type: string;
  timestamp: string;
  severity: Severity;
  table_action: string;
  action: string;
  outcome: 'execute' | 'defer' | 'skip' | 'duplicate';
  executed: boolean;
  reason: string;
  cooldown_until?: string;
  scheduled_for?: string;
  duplicate: boolean;
  /** Deferred retrains whose maintenance window came before this event (they ran then). */
  scheduled_retrains_ran?: Array<{ event_id: string; ran_at: string }>;
}

export type SimulationStep =
  | { kind: 'decision'; decision: SimulatedDecision; warning?: string }
  | { kind: 'invalid'; line: number; error: string }
  | { kind: 'blank'; line: number };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The guardian's policy replayed over timestamped events without Temporal: one policy state per
 * model (as one guardian per model has), each event decided at its own timestamp with exactly
 * the code the guardian runs (evaluateEvent). Bad lines are reported, never thrown.
 */
export class PolicySimulation {
  private readonly models = new Map<string, ModelPolicyState & { lastAt: number }>();
  private readonly firstSeen = new Map<string, { line: number; decision: SimulatedDecision }>();

  /**
   * `input` reads lines as the bridge reads messages; `idOf` derives a stable id from a line
   * whose event has none (the same derivation as for an HTTP body, so the two agree).
   */
  constructor(
    readonly settings: GuardianSettings,
    private readonly input: { ingest: IngestSettings; idOf: (text: string) => string },
  ) {}

  /** Feeds one line of JSONL (1-based line number). */
  feedLine(text: string, line: number): SimulationStep {
    if (text.trim() === '') return { kind: 'blank', line };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { kind: 'invalid', line, error: `not JSON: ${(err as Error).message}` };
    }
    const read = readEvent(
      {
        body: raw,
        fallbackId: { id: this.input.idOf(text), from: 'the line, so the same line again is a duplicate' },
      },
      this.input.ingest,
    );
    if (!read.ok) return { kind: 'invalid', line, error: `invalid event: ${read.detail}` };
    if (read.family !== 'model') {
      return { kind: 'invalid', line, error: 'a video event: simulate decides model and system events only' };
    }
    return this.feedEvent(read.event, line);
  }

  /**
   * Runs the model's deferred retrains whose maintenance window came by `now` (the guardian runs
   * them on its own timer); returns them, oldest first.
   */
  runDueRetrains(modelName: string, now: number): PendingRetrain[] {
    const state = this.models.get(modelName);
    if (!state) return [];
    const ran: PendingRetrain[] = [];
    let policy = state.policy;
    for (;;) {
      const due = takeDueRetrain(policy, now);
      if (!due.due) break;
      ran.push(due.due);
      policy = due.state;
    }
    if (ran.length > 0) this.models.set(modelName, { ...state, policy });
    return ran;
  }

  /** Decides one validated event at its own timestamp. */
  feedEvent(event: ModelEvent, line: number): SimulationStep {
    const now = Date.parse(event.timestamp);
    const state = this.models.get(event.model_name) ?? {
      policy: emptyPolicyState(),
      seenEventIds: [],
      lastAt: now,
    };
    const warning =
      now < state.lastAt
        ? `timestamp ${event.timestamp} is earlier than the previous event of ${event.model_name}; decided at its own time`
        : undefined;

    const ran = this.runDueRetrains(event.model_name, now);
    const policy = this.models.get(event.model_name)?.policy ?? state.policy;

    const result = evaluateEvent({ policy, seenEventIds: state.seenEventIds }, event, now, this.settings);
    this.models.set(event.model_name, { ...result.state, lastAt: Math.max(state.lastAt, now) });
    const scheduled_retrains_ran = ran.length
      ? ran.map((p) => ({ event_id: p.eventId, ran_at: iso(p.runAt) }))
      : undefined;

    if (result.evaluation.duplicate) {
      const first = this.firstSeen.get(`${event.model_name}/${event.event_id}`);
      return {
        kind: 'decision',
        warning,
        decision: {
          line,
          event_id: event.event_id,
          model_name: event.model_name,
          event_type: event.event_type,
          timestamp: event.timestamp,
          severity: first?.decision.severity ?? 'MEDIUM',
          table_action: first?.decision.table_action ?? 'NONE',
          action: first?.decision.action ?? 'NONE',
          outcome: 'duplicate',
          executed: false,
          reason: `duplicate event_id (first seen on line ${first?.line ?? '?'}): already answered, not answered again`,
          duplicate: true,
          scheduled_retrains_ran,
        },
      };
    }

    const d = result.evaluation.decision;
    const decision: SimulatedDecision = {
      line,
      event_id: d.eventId,
      model_name: d.modelName,
      event_type: d.eventType,
      timestamp: event.timestamp,
      severity: d.severity,
      table_action: d.tableAction,
      action: d.action,
      outcome: d.outcome,
      executed: d.executed,
      reason: d.reason,
      cooldown_until: d.cooldownUntil !== undefined ? iso(d.cooldownUntil) : undefined,
      scheduled_for: d.outcome === 'defer' && d.runAt !== undefined ? iso(d.runAt) : undefined,
      duplicate: false,
      scheduled_retrains_ran,
    };
    this.firstSeen.set(`${event.model_name}/${event.event_id}`, { line, decision });
    return { kind: 'decision', decision, warning };
  }
}
