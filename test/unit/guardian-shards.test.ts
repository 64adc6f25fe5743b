import { routeEvent } from '../../src/bridge/event-routing';
import { ConfigError, loadConfig } from '../../src/config';
import {
  guardianShardOf,
  guardianShardWorkflowId,
  guardianWorkflowIdFor,
  type GuardianShardCarriedState,
} from '../../src/contracts/guardian-shards';
import type { GuardianCarriedState } from '../../src/contracts/guardian-messages';
import { jsonBytes } from '../../src/domain/json-bytes';
import { CARRY_BUDGET } from '../../src/workflows/guardian/carry-budget';
import { initialGuardianState } from '../../src/workflows/guardian/initial-state';
import { fitShardState, isDormant } from '../../src/workflows/guardian/shard-carry';
import { incoming, ingestSettings } from '../helpers/ingest';

/** Guardian shards without Temporal: routing, what a shard carries, and the settings it refuses. */
const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('the shard of a model', () => {
  it('is the same for every process and spreads models over the shards', () => {
    // Fixed values: a change here moves every deployed model to another shard.
    expect(guardianShardOf('fraud-detector', 8)).toBe(guardianShardOf('fraud-detector', 8));
    expect([0, 1, 2, 3].map((n) => guardianShardOf(`m${n}`, 1))).toEqual([0, 0, 0, 0]);
    expect(guardianShardOf('fraud-detector', 8)).toBe(2);
    expect(guardianShardOf('service:checkout', 16)).toBe(guardianShardOf('service:checkout', 16));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[guardianShardOf(`model-${i}`, 8)]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('names the workflow a model’s events go to', () => {
    expect(guardianWorkflowIdFor('fraud-detector', 0)).toBe('model-guardian:fraud-detector');
    expect(guardianWorkflowIdFor('service:checkout', 0)).toBe('service-guardian:checkout');
    expect(guardianWorkflowIdFor('fraud-detector', 8)).toBe(guardianShardWorkflowId(2));
  });

  it('is where the bridge routes the event, and its batching key', () => {
    const event = {
      event_id: 'e-1',
      event_type: 'data_drift_detected',
      timestamp: '2026-03-02T10:00:00Z',
      model_name: 'fraud-detector',
      severity: 'LOW',
      drift_score: 0.2,
      affected_features: ['f1'],
    };
    const routed = routeEvent(incoming(event), { ...ingestSettings(), guardianShards: 8 });
    expect(routed).toMatchObject({
      ok: true,
      delivery: { workflow: 'guardian', workflowId: 'guardian-shard:2', shard: { index: 2, of: 8 } },
    });
    const own = routeEvent(incoming(event), ingestSettings());
    expect(own).toMatchObject({ ok: true, delivery: { workflowId: 'model-guardian:fraud-detector' } });
    expect(own.ok && own.delivery.workflow === 'guardian' && own.delivery.shard).toBeFalsy();
  });
});

describe('what a shard carries into its next run', () => {
  const settings = initialGuardianState({ modelName: 'x' }, NOW).settings;
  const fresh = (model: string) => initialGuardianState({ modelName: model }, NOW);
  const live = (model: string, ids: number): GuardianCarriedState => ({
    ...fresh(model),
    policy: {
      cooldowns: {
        'data_drift_detected:RETRAIN': {
          eventType: 'data_drift_detected',
          action: 'RETRAIN',
          startedAt: NOW,
          until: NOW + 3600_000,
          eventId: `${model}-e0`,
        },
      },
      recentResponses: [],
    },
    seenEventIds: Array.from({ length: ids }, (_, i) => `${model}-event-${String(i).padStart(30, '0')}`),
  });
  const shard = (models: Record<string, GuardianCarriedState>): GuardianShardCarriedState => ({
    models,
    previousRuns: 0,
    rejectedSignals: 0,
    recentRejections: [],
  });

  it('leaves out models with nothing live, keeps the rest whole when they fit', () => {
    const quiet = { ...fresh('quiet'), seenEventIds: ['a', 'b'] };
    const paused = { ...fresh('paused'), paused: { reason: 'migration', since: NOW } };
    expect(isDormant(quiet, settings, NOW)).toBe(true);
    expect(isDormant(paused, settings, NOW)).toBe(false);
    expect(isDormant(live('busy', 3), settings, NOW)).toBe(false);
    // A cooldown that has run out no longer counts.
    expect(isDormant(live('busy', 3), settings, NOW + 2 * 3600_000)).toBe(true);

    const fit = fitShardState(shard({ quiet, paused, busy: live('busy', 3) }), settings, NOW);
    expect(Object.keys(fit.carried.models).sort()).toEqual(['busy', 'paused']);
    expect(fit.droppedModels).toBe(1);
    expect(fit.carried.models.busy.seenEventIds).toHaveLength(3);
    expect(fit.droppedEventIds).toBe(0);
  });

  it('carries each model’s last 50 decisions', () => {
    const history = Array.from({ length: 120 }, (_, i) => ({
      id: `e${i}`,
      origin: 'event' as const,
      eventType: 'data_drift_detected',
      severity: 'LOW',
      action: 'MONITOR',
      executed: true,
      status: 'succeeded' as const,
      reason: 'low drift',
      decidedAt: new Date(NOW + i).toISOString(),
    }));
    const fit = fitShardState(shard({ busy: { ...live('busy', 3), history } }), settings, NOW);
    expect(fit.carried.models.busy.history.map((e) => e.id)).toEqual(history.slice(-50).map((e) => e.id));
    expect(fit.droppedDecisions).toBe(70);
  });

  it('fits any number of live models within the continue-as-new budget', () => {
    const models: Record<string, GuardianCarriedState> = {};
    for (let i = 0; i < 300; i++) models[`model-${i}`] = live(`model-${i}`, 500);
    expect(jsonBytes(models)).toBeGreaterThan(CARRY_BUDGET.totalBytes * 4);
    const fit = fitShardState(shard(models), settings, NOW);
    expect(fit.bytes).toBeLessThanOrEqual(CARRY_BUDGET.totalBytes);
    expect(Object.keys(fit.carried.models)).toHaveLength(300);
    expect(fit.droppedEventIds).toBeGreaterThan(0);
    // The newest answered ids and every cooldown stay.
    const kept = fit.carried.models['model-7'];
    expect(kept.seenEventIds.at(-1)).toBe(models['model-7'].seenEventIds.at(-1));
    expect(Object.keys(kept.policy.cooldowns)).toEqual(['data_drift_detected:RETRAIN']);
  });
});

describe('settings shards cannot serve yet', () => {
  it('refuses approval before acting with shards, naming both settings', () => {
    let error: unknown;
    try {
      loadConfig({ GUARDIAN_SHARDS: '4', GUARDIAN_APPROVAL_REQUIRED: 'ROLLBACK:HIGH' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringContaining('GUARDIAN_APPROVAL_REQUIRED is not available with GUARDIAN_SHARDS'),
    ]);
    expect(() =>
      loadConfig({ GUARDIAN_SHARDS: '4', EVALUATION_METRIC: 'auc', PROMOTION_MODE: 'approval' }),
    ).toThrow(/PROMOTION_MODE=approval is not available with GUARDIAN_SHARDS/);
    expect(loadConfig({ GUARDIAN_SHARDS: '4' }).guardian.shards).toBe(4);
    expect(() => loadConfig({ GUARDIAN_SHARDS: '257' })).toThrow(/GUARDIAN_SHARDS/);
  });
});
