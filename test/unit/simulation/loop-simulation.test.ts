import { deterministicUuid } from '../../../src/backends/deterministic-id';
import type { AlarmTimelineSettings, TimelineSilence } from '../../../src/domain/alerting/alarm-timeline';
import type { EvaluationSettings } from '../../../src/domain/evaluation/evaluation-settings';
import { resolveGuardianSettings } from '../../../src/domain/policy';
import { LoopSimulation, type LoopStep } from '../../../src/domain/simulation/loop-simulation';
import { ingestSettings } from '../../helpers/ingest';

const AUC: EvaluationSettings = { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' };
const ALERTING: AlarmTimelineSettings = { warningBatchSeconds: 300, inhibitMinutes: 30, groupWaitSeconds: 0 };

function drift(id: string, at: string, score: number, model = 'fraud', severity = 'HIGH') {
  return JSON.stringify({
    event_id: id,
    event_type: 'data_drift_detected',
    timestamp: at,
    source: 'test',
    model_name: model,
    drift_score: score,
    affected_features: ['amount'],
    severity,
  });
}

function trained(at: string, auc: number, extra: Record<string, unknown> = {}, model = 'fraud') {
  return JSON.stringify({
    event_type: 'model_training_completed',
    timestamp: at,
    model_name: model,
    new_version: '12',
    metrics: { auc },
    champion_version: '11',
    champion_metrics: { auc: 0.89 },
    ...extra,
  });
}

function simulate(
  lines: string[],
  options: { evaluation?: EvaluationSettings; alerts?: boolean; silences?: TimelineSilence[] } = {},
): { steps: LoopStep[]; sim: LoopSimulation } {
  const sim = new LoopSimulation(resolveGuardianSettings({ evaluation: options.evaluation }), {
    ingest: ingestSettings('UTC'),
    idOf: (text) => deterministicUuid('event-body', text),
    alerts:
      options.alerts || options.silences
        ? { settings: ALERTING, silences: options.silences ?? [] }
        : undefined,
  });
  return { steps: lines.map((text, i) => sim.feedLine(text, i + 1)), sim };
}

const ends = (steps: LoopStep[]) =>
  steps.flatMap((s) =>
    s.kind === 'retrain-end' ? [[s.end.retrain.triggeringEventId, s.end.outcome.outcome]] : [],
  );
const alertsOf = (steps: LoopStep[]) =>
  steps.flatMap((s) => (s.kind === 'decision' || s.kind === 'retrain-end' ? s.alerts : []));

describe('LoopSimulation: a retrain’s training result', () => {
  it.each<[string, string[], Array<[string, string]>]>([
    [
      'ends the model’s oldest retrain still training',
      [
        drift('a', '2026-03-02T09:00:00Z', 0.7),
        drift('b', '2026-03-02T10:30:00Z', 0.7),
        trained('2026-03-02T11:00:00Z', 0.91),
      ],
      [['a', 'promoted']],
    ],
    [
      'ends the retrain its triggering_event_id names',
      [
        drift('a', '2026-03-02T09:00:00Z', 0.7),
        drift('b', '2026-03-02T10:30:00Z', 0.7),
        trained('2026-03-02T11:00:00Z', 0.8, { triggering_event_id: 'b' }),
        trained('2026-03-02T11:30:00Z', 0.95),
      ],
      [
        ['b', 'rejected'],
        ['a', 'promoted'],
      ],
    ],
    [
      'ends a deferred retrain that ran in its maintenance window',
      [drift('m', '2026-03-02T14:00:00Z', 0.4, 'fraud', 'MEDIUM'), trained('2026-03-03T02:30:00Z', 0.91)],
      [['m', 'promoted']],
    ],
  ])('%s', (_what, lines, expected) => {
    expect(ends(simulate(lines, { evaluation: AUC }).steps)).toEqual(expected);
  });

  it('marks an executed RETRAIN as waiting for its result, and lists it at the end when none came', () => {
    const { steps, sim } = simulate([drift('a', '2026-03-02T09:00:00Z', 0.7)], { evaluation: AUC });
    expect(steps[0]).toMatchObject({ kind: 'decision', awaitsTrainingResult: true });
    expect(sim.finish().stillTraining.map((r) => r.triggeringEventId)).toEqual(['a']);
    const off = simulate([drift('a', '2026-03-02T09:00:00Z', 0.7)]).steps[0];
    expect(off).toMatchObject({ kind: 'decision', awaitsTrainingResult: false });
  });

  it.each<[string, string[], RegExp]>([
    [
      'a result with no retrain training',
      [trained('2026-03-02T11:00:00Z', 0.9)],
      /no RETRAIN of fraud is training/,
    ],
    [
      'a result before its retrain started',
      [drift('a', '2026-03-02T12:00:00Z', 0.7), trained('2026-03-02T11:00:00Z', 0.9)],
      /no RETRAIN of fraud is training at 2026-03-02T11:00:00.000Z/,
    ],
    [
      'a result naming a retrain that is not training',
      [
        drift('a', '2026-03-02T09:00:00Z', 0.7),
        trained('2026-03-02T11:00:00Z', 0.9, { triggering_event_id: 'zzz' }),
      ],
      /the RETRAIN of event zzz is not training/,
    ],
  ])('refuses %s as an invalid line', (_what, lines, error) => {
    const last = simulate(lines, { evaluation: AUC }).steps.at(-1)!;
    expect(last).toEqual({ kind: 'invalid', line: lines.length, error: expect.stringMatching(error) });
  });
});

describe('LoopSimulation: the alerts its decisions and retrains send', () => {
  it('sends nothing to the alert model unless asked', () => {
    expect(alertsOf(simulate([drift('a', '2026-03-02T09:00:00Z', 0.7)]).steps)).toEqual([]);
  });

  it.each<
    [string, string[], EvaluationSettings | undefined, Array<[string, string, string | undefined, string]>]
  >([
    [
      'a drift alert for every drift event, and the ALERT decision’s own alert',
      [drift('a', '2026-03-02T23:30:00Z', 0.7)],
      undefined,
      [
        ['a:drift', 'high', undefined, 'batched'],
        ['a:alert', 'high', 'ALERT', 'batched'],
      ],
    ],
    [
      'a rejected candidate alerts at the decision’s priority, with action RETRAIN',
      [drift('a', '2026-03-02T09:00:00Z', 0.7), trained('2026-03-02T10:00:00Z', 0.8)],
      AUC,
      [
        ['a:drift', 'high', undefined, 'batched'],
        ['a:evaluation-rejected', 'high', 'RETRAIN', 'batched'],
      ],
    ],
    [
      'a failed retrain of a CRITICAL decision pages: its failure alert is critical',
      [drift('a', '2026-03-02T09:00:00Z', 0.9), trained('2026-03-02T10:00:00Z', 0.9, { status: 'failed' })],
      AUC,
      [
        ['a:drift', 'critical', undefined, 'sent'],
        ['a:failure', 'critical', 'RETRAIN', 'sent'],
      ],
    ],
    [
      'a window run’s rejection has no source event: its event type is the alert kind',
      [drift('m', '2026-03-02T14:00:00Z', 0.4, 'fraud', 'MEDIUM'), trained('2026-03-03T02:30:00Z', 0.8)],
      AUC,
      [
        ['m:drift', 'medium', undefined, 'batched'],
        ['m:window-run:evaluation-rejected', 'medium', 'RETRAIN', 'batched'],
      ],
    ],
  ])('%s', (_what, lines, evaluation, expected) => {
    const alerts = alertsOf(simulate(lines, { evaluation, alerts: true }).steps);
    expect(
      alerts.map((a) => [a.alarm.id, a.alarm.labels.priority, a.alarm.labels.action, a.fate.fate]),
    ).toEqual(expected);
  });

  it('labels alerts as the alert sender does, so silences on action and event type match', () => {
    const silences: TimelineSilence[] = [
      {
        id: 'no-retrain-news',
        matchers: { action: 'RETRAIN', eventType: 'guardian_alert' },
        startsAt: new Date(0),
        endsAt: new Date('2026-03-04T00:00:00Z'),
        creator: 'ana',
        comment: 'window runs are expected',
      },
    ];
    const lines = [
      drift('m', '2026-03-02T14:00:00Z', 0.4, 'fraud', 'MEDIUM'),
      trained('2026-03-03T02:30:00Z', 0.8),
    ];
    const alerts = alertsOf(simulate(lines, { evaluation: AUC, silences }).steps);
    expect(alerts.map((a) => [a.alarm.id, a.fate])).toEqual([
      ['m:drift', { fate: 'batched', sendAt: Date.parse('2026-03-02T14:05:00Z') }],
      ['m:window-run:evaluation-rejected', { fate: 'silenced', by: 'no-retrain-news' }],
    ]);
  });
});
