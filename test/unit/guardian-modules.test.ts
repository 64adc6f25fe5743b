import type { DecisionEntry } from '../../src/contracts/guardian-messages';
import { parseModelEvent, type DriftEvent, type ModelEvent } from '../../src/domain/events';
import { decideResponse, emptyPolicyState, resolveGuardianSettings } from '../../src/domain/policy';
import {
  auditRecordOf,
  entryForDecision,
  entryForWindowRun,
} from '../../src/workflows/guardian/decision-entries';
import { driftAlert } from '../../src/workflows/guardian/drift-alert';
import { initialGuardianState } from '../../src/workflows/guardian/initial-state';
import { applyStateCommand, operatorEntry } from '../../src/workflows/guardian/operator-command';
import { currentDetails, guardianStateView } from '../../src/workflows/guardian/state-view';

/** The guardian's own small modules, without Temporal: what the history, audit rows and views say. */
const NOW = Date.parse('2026-03-02T10:00:00Z');
const SETTINGS = resolveGuardianSettings({});

function event(fields: Record<string, unknown>): ModelEvent {
  const parsed = parseModelEvent({
    event_id: 'e1',
    timestamp: '2026-03-02T10:00:00Z',
    model_name: 'fraud',
    ...fields,
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('decision entries and audit rows', () => {
  const drift = event({
    event_type: 'data_drift_detected',
    drift_score: 0.9,
    affected_features: ['a'],
    assumptions: ['model_name fraud taken from model_version fraud@v1'],
    extras: { region: 'kr' },
  });
  const decision = decideResponse(drift, emptyPolicyState(), NOW, SETTINGS);

  it('turns a decision into a running entry that carries what was assumed for the audit row only', () => {
    const entry = entryForDecision(decision, drift, NOW);
    expect(entry).toMatchObject({
      id: 'e1',
      origin: 'event',
      action: 'RETRAIN',
      severity: 'CRITICAL',
      status: 'running',
    });
    expect(entry.input).toEqual({ assumptions: drift.assumptions, extras: { region: 'kr' } });
    const record = auditRecordOf(
      'fraud',
      { ...entry, status: 'succeeded', result: 'training job j1 succeeded' },
      false,
    );
    expect(record.reason).toBe(`${decision.reason} → training job j1 succeeded`);
    expect(record.details).toMatchObject({
      status: 'succeeded',
      assumptions: drift.assumptions,
      extraFields: { region: 'kr' },
      dryRun: undefined,
    });
  });

  it('names the deferred retrain of a maintenance window by its event', () => {
    const entry = entryForWindowRun(
      {
        eventId: 'e0',
        eventType: 'data_drift_detected',
        severity: 'MEDIUM',
        decidedAt: NOW - 3600_000,
        runAt: NOW,
        reason: 'r',
      },
      NOW,
    );
    expect(entry).toMatchObject({ id: 'e0:window-run', triggeringEventId: 'e0', action: 'RETRAIN' });
  });

  it('writes the drift alert with the response and at most ten features', () => {
    const many = event({
      event_type: 'data_drift_detected',
      drift_score: 0.2,
      affected_features: Array.from({ length: 12 }, (_, i) => `f${i}`),
    });
    const alert = driftAlert(
      'fraud',
      many as DriftEvent,
      decideResponse(many, emptyPolicyState(), NOW, SETTINGS),
    );
    expect(alert.alertId).toBe('e1:drift');
    expect(alert.message).toContain('on 12 feature(s) (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, …)');
  });
});

describe('operator commands on the state', () => {
  it('pauses and resumes, saying so in the entry', () => {
    const state = initialGuardianState({ modelName: 'fraud' }, NOW);
    const pause = { command: 'pause' as const, reason: ' maintenance ', operator: 'ana' };
    const entry: DecisionEntry = operatorEntry(pause, 'operator:1', NOW);
    expect(entry).toMatchObject({ action: 'PAUSE', reason: 'operator ana: maintenance', status: 'operator' });
    applyStateCommand(state, pause, entry, NOW);
    expect(state.paused).toEqual({ reason: 'maintenance', since: NOW, operator: 'ana' });
    const resume = { command: 'resume' as const, reason: 'done' };
    const resumed = operatorEntry(resume, 'operator:2', NOW + 1000);
    applyStateCommand(state, resume, resumed, NOW + 1000);
    expect(state.paused).toBeNull();
    expect(resumed.result).toBe('auto-response resumed (paused since 2026-03-02T10:00:00.000Z)');
  });
});

describe('the state view', () => {
  it('shows running work, the newest decisions first, and a one-line status', () => {
    const state = initialGuardianState({ modelName: 'fraud' }, NOW);
    state.history.push({
      id: 'a',
      origin: 'event',
      eventType: 'x',
      severity: 'LOW',
      action: 'ALERT',
      executed: true,
      status: 'succeeded',
      reason: 'r',
      decidedAt: 'd',
    });
    state.history.push({
      id: 'b',
      origin: 'event',
      eventType: 'x',
      severity: 'LOW',
      action: 'ALERT',
      executed: true,
      status: 'running',
      reason: 'r',
      decidedAt: 'd',
    });
    const view = guardianStateView(
      'fraud',
      state,
      new Map([['b', { action: 'ALERT', startedAt: NOW }]]),
      NOW,
    );
    expect(view.lastDecisions.map((d) => d.id)).toEqual(['b', 'a']);
    expect(view.runningActions).toEqual([
      { id: 'b', action: 'ALERT', startedAt: '2026-03-02T10:00:00.000Z' },
    ]);
    expect(currentDetails(state, 1)).toBe(
      'active · last action: none (-) · pending retrain: none · running: 1 · decisions: 0',
    );
  });
});
