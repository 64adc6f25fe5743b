import {
  type AlarmFate,
  AlarmTimeline,
  type AlarmTimelineSettings,
  type TimelineAlarm,
  type TimelineSilence,
} from '../../../src/domain/alerting/alarm-timeline';
import type { AlarmLabels } from '../../../src/domain/alerting/silence-matchers';

const T0 = Date.parse('2026-03-02T23:10:00Z');
const min = (n: number) => T0 + n * 60_000;
const DEFAULTS: AlarmTimelineSettings = { warningBatchSeconds: 300, inhibitMinutes: 30, groupWaitSeconds: 0 };

function alarm(id: string, at: number, labels: Partial<AlarmLabels> = {}): TimelineAlarm {
  return {
    id,
    title: id,
    raisedAt: at,
    labels: {
      model: 'fraud',
      eventType: 'data_drift_detected',
      priority: 'high',
      source: 'guardian',
      ...labels,
    },
  };
}

function silence(
  id: string,
  matchers: TimelineSilence['matchers'],
  from: number,
  to: number,
): TimelineSilence {
  return { id, matchers, startsAt: new Date(from), endsAt: new Date(to), creator: 'ana', comment: 'test' };
}

/** Raises the alarms in order (advancing the timeline first, as simulate does); the last one's fate. */
function lastFate(
  alarms: TimelineAlarm[],
  settings: Partial<AlarmTimelineSettings> = {},
  silences: TimelineSilence[] = [],
): AlarmFate {
  const timeline = new AlarmTimeline({ ...DEFAULTS, ...settings }, silences);
  let fate: AlarmFate | undefined;
  for (const a of alarms) {
    timeline.advanceTo(a.raisedAt);
    fate = timeline.raise(a);
  }
  return fate!;
}

describe('AlarmTimeline: what becomes of one alarm', () => {
  const critical = (id: string, at: number, extra: Partial<AlarmLabels> = {}) =>
    alarm(id, at, { priority: 'critical', ...extra });
  /** An approval request: immediate, and it asks a person for an answer. */
  const request = (id: string, at: number, priority: AlarmLabels['priority']): TimelineAlarm => ({
    ...alarm(id, at, { priority }),
    immediate: true,
    answerNeeded: true,
  });

  it.each<[string, TimelineAlarm[], Partial<AlarmTimelineSettings>, TimelineSilence[], AlarmFate]>([
    [
      'a critical alarm without a group wait goes at once',
      [critical('c', T0)],
      {},
      [],
      { fate: 'sent', at: T0 },
    ],
    [
      'a critical alarm with a group wait waits in its group',
      [critical('c', T0)],
      { groupWaitSeconds: 60 },
      [],
      { fate: 'grouped', groupKey: 'fraud|data_drift_detected', sendAt: min(1) },
    ],
    [
      'a later critical alarm of the group joins the first one’s wait',
      [critical('c1', T0), critical('c2', T0 + 30_000)],
      { groupWaitSeconds: 60 },
      [],
      { fate: 'grouped', groupKey: 'fraud|data_drift_detected', sendAt: min(1) },
    ],
    [
      'after the group went out, a critical alarm opens a new group',
      [critical('c1', T0), critical('c2', min(2))],
      { groupWaitSeconds: 60 },
      [],
      { fate: 'grouped', groupKey: 'fraud|data_drift_detected', sendAt: min(3) },
    ],
    [
      'a warning waits for the next batch tick',
      [alarm('w', min(1))],
      {},
      [],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:15:00Z') },
    ],
    [
      'a low alarm only goes into the daily report',
      [alarm('l', T0, { priority: 'low' })],
      {},
      [],
      { fate: 'report' },
    ],
    [
      'a low alarm is not silenced: it reaches nobody anyway',
      [alarm('l', T0, { priority: 'low' })],
      {},
      [silence('s', { model: 'fraud' }, T0 - 1, min(60))],
      { fate: 'report' },
    ],
    [
      'an active silence that matches holds it back',
      [alarm('w', T0)],
      {},
      [silence('s', { model: 'fraud', priority: 'high' }, T0 - 1, min(60))],
      { fate: 'silenced', by: 's' },
    ],
    [
      'the silence ending last is the one named',
      [alarm('w', T0)],
      {},
      [
        silence('short', { model: 'fraud' }, T0 - 1, min(10)),
        silence('long', { eventType: 'data_drift_detected' }, T0 - 1, min(90)),
      ],
      { fate: 'silenced', by: 'long' },
    ],
    [
      'a silence that does not match every matcher does not',
      [alarm('w', T0)],
      {},
      [silence('s', { model: 'fraud', action: 'ALERT' }, T0 - 1, min(60))],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:15:00Z') },
    ],
    [
      'a silence not yet started does not hold it back',
      [alarm('w', T0)],
      {},
      [silence('s', { model: 'fraud' }, min(1), min(60))],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:15:00Z') },
    ],
    [
      'a silence that ended (its end is not included) does not hold it back',
      [alarm('w', T0)],
      {},
      [silence('s', { model: 'fraud' }, min(-60), T0)],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:15:00Z') },
    ],
    [
      'a critical alarm inhibits a lower one for the same model within the window',
      [critical('c', T0), alarm('w', min(30))],
      {},
      [],
      { fate: 'inhibited', by: 'c' },
    ],
    [
      'after the inhibition window the lower alarm goes its way',
      [critical('c', T0), alarm('w', min(31))],
      {},
      [],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:45:00Z') },
    ],
    [
      'a critical alarm for another model inhibits nothing here',
      [critical('c', T0, { model: 'churn' }), alarm('w', min(1))],
      {},
      [],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:15:00Z') },
    ],
    [
      'inhibition off (0 minutes)',
      [critical('c', T0), alarm('w', min(1))],
      { inhibitMinutes: 0 },
      [],
      { fate: 'batched', sendAt: Date.parse('2026-03-02T23:15:00Z') },
    ],
    [
      'a critical alarm is never inhibited',
      [critical('c1', T0), critical('c2', min(1), { eventType: 'x' })],
      {},
      [],
      { fate: 'sent', at: min(1) },
    ],
    [
      'a silenced critical alarm still inhibits, as it is recorded in the alarms table',
      [critical('c', T0), alarm('w', min(1), { eventType: 'other' })],
      {},
      [silence('s', { eventType: 'data_drift_detected' }, T0 - 1, min(60))],
      { fate: 'inhibited', by: 'c' },
    ],
    [
      'a silence wins over inhibition (checked first)',
      [critical('c', T0, { eventType: 'other' }), alarm('w', min(1))],
      {},
      [silence('s', { eventType: 'data_drift_detected' }, T0 - 1, min(60))],
      { fate: 'silenced', by: 's' },
    ],
    [
      'an approval request goes at once past a matching silence',
      [request('r', T0, 'high')],
      {},
      [silence('s', { model: 'fraud' }, T0 - 1, min(60))],
      { fate: 'sent', at: T0 },
    ],
    [
      'an approval request goes at once past a firing critical alarm of its model',
      [critical('c', T0), request('r', min(1), 'medium')],
      {},
      [],
      { fate: 'sent', at: min(1) },
    ],
    [
      'a critical approval request does not wait for its group',
      [critical('c', T0), request('r', T0 + 10_000, 'critical')],
      { groupWaitSeconds: 60 },
      [silence('s', { model: 'fraud' }, T0 + 1, min(60))],
      { fate: 'sent', at: T0 + 10_000 },
    ],
  ])('%s', (_what, alarms, settings, silences, expected) => {
    expect(lastFate(alarms, settings, silences)).toEqual(expected);
  });
});

describe('AlarmTimeline: the messages that go out', () => {
  it('sends a group as one message listing every alarm of it, and keeps groups apart', () => {
    const timeline = new AlarmTimeline({ ...DEFAULTS, groupWaitSeconds: 60 }, []);
    timeline.raise(alarm('a', T0, { priority: 'critical' }));
    timeline.raise(alarm('b', T0 + 20_000, { priority: 'critical' }));
    timeline.raise(alarm('other', T0 + 30_000, { priority: 'critical', eventType: 'gpu' }));
    expect(timeline.advanceTo(T0 + 59_999)).toEqual([]);
    const sent = timeline.advanceTo(min(1));
    expect(sent.map((n) => [n.kind, n.groupKey, n.alarms.map((a) => a.id)])).toEqual([
      ['group', 'fraud|data_drift_detected', ['a', 'b']],
    ]);
    expect(timeline.finish().map((n) => [n.groupKey, n.at, n.alarms.map((a) => a.id)])).toEqual([
      ['fraud|gpu', T0 + 90_000, ['other']],
    ]);
  });

  it('holds back an alarm silenced while it waited, and says so in the message', () => {
    const timeline = new AlarmTimeline(DEFAULTS, [silence('late', { action: 'ALERT' }, min(3), min(60))]);
    timeline.raise(alarm('drift', min(1)));
    timeline.raise(alarm('action', min(2), { action: 'ALERT' }));
    const [batch] = timeline.finish();
    expect(batch.kind).toBe('batch');
    expect(batch.at).toBe(Date.parse('2026-03-02T23:15:00Z'));
    expect(batch.alarms.map((a) => a.id)).toEqual(['drift']);
    expect(batch.silencedWhileWaiting.map((s) => [s.alarm.id, s.by])).toEqual([['action', 'late']]);
  });
});
