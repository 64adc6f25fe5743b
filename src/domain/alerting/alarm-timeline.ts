import { alarmGroupKey, waitsInGroup } from './alarm-group';
import { alarmRoute } from './alarm-route';
import { mayBeHeldBack } from './answer-needed';
import { inhibits, mayBeInhibited } from './inhibition';
import {
  type AlarmLabels,
  longestMatchingSilence,
  silenceActive,
  type SilenceMatchers,
} from './silence-matchers';

/** An alarm as the timeline sees it: what silences, inhibition and grouping look at, in event time. */
export interface TimelineAlarm {
  id: string;
  title: string;
  labels: AlarmLabels;
  /** Epoch milliseconds. */
  raisedAt: number;
  immediate?: boolean;
  /** An approval request: no silence, inhibition or group wait holds it back. */
  answerNeeded?: boolean;
}

/** A silence as `silence add` / POST /silences create it (validated), with a name to report it by. */
export interface TimelineSilence {
  id: string;
  matchers: SilenceMatchers;
  startsAt: Date;
  endsAt: Date;
  creator: string;
  comment: string;
}

/** The alerting settings the worker reads (README "Alerts", "Silences, inhibition, grouping"). */
export interface AlarmTimelineSettings {
  warningBatchSeconds: number;
  inhibitMinutes: number;
  groupWaitSeconds: number;
}

/** What became of an alarm when it was raised. */
export type AlarmFate =
  | { fate: 'sent'; at: number }
  | { fate: 'grouped'; groupKey: string; sendAt: number }
  | { fate: 'batched'; sendAt: number }
  | { fate: 'report' }
  | { fate: 'silenced'; by: string }
  | { fate: 'inhibited'; by: string };

/** One message to people (per channel) that waited: a group of critical alarms or a warning batch. */
export interface Notification {
  kind: 'group' | 'batch';
  at: number;
  groupKey?: string;
  alarms: TimelineAlarm[];
  /** Alarms that waited for this message but were silenced by the time it went out. */
  silencedWhileWaiting: Array<{ alarm: TimelineAlarm; by: string }>;
}

interface Waiting {
  kind: 'group' | 'batch';
  key: string;
  at: number;
  alarms: TimelineAlarm[];
}

/**
 * The alert sender's rules (src/backends/alerts/alert-sender.ts) replayed in event time without
 * PostgreSQL, for `simulate`: route by priority, then an active silence, then a critical alarm for
 * the same model within ALERT_INHIBIT_MINUTES; a critical alarm waits ALERT_GROUP_WAIT_SECONDS in
 * its group and a warning for the next batch, and a silence that began meanwhile still holds it
 * back when the message goes out. Alarms must be raised in time order; `advanceTo` first.
 */
export class AlarmTimeline {
  private readonly criticals: TimelineAlarm[] = [];
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    readonly settings: AlarmTimelineSettings,
    readonly silences: readonly TimelineSilence[],
  ) {}

  /** Raises an alarm at its own time; returns what became of it. */
  raise(alarm: TimelineAlarm): AlarmFate {
    const route = alarmRoute({ priority: alarm.labels.priority, immediate: alarm.immediate });
    // Information for the daily report reaches nobody, so nothing holds it back.
    if (route === 'summary') return { fate: 'report' };
    const at = alarm.raisedAt;
    // Every alarm that reaches the table counts as firing, silenced or not, as in the alarms table.
    if (alarm.labels.priority === 'critical') this.criticals.push(alarm);
    if (!mayBeHeldBack(alarm)) return { fate: 'sent', at };

    const silence = this.silenceAt(alarm, at);
    if (silence) return { fate: 'silenced', by: silence.id };
    const firing = this.firingCritical(alarm);
    if (firing) return { fate: 'inhibited', by: firing.id };

    if (waitsInGroup(route, alarm.labels.priority, this.settings.groupWaitSeconds)) {
      const groupKey = alarmGroupKey(alarm.labels);
      const sendAt = this.wait('group', groupKey, at + this.settings.groupWaitSeconds * 1000, alarm);
      return { fate: 'grouped', groupKey, sendAt };
    }
    if (route === 'batch') {
      const sendAt = this.nextBatchTick(at);
      this.wait('batch', 'warnings', sendAt, alarm);
      return { fate: 'batched', sendAt };
    }
    return { fate: 'sent', at };
  }

  /** The groups and batches due at or before `at`, oldest first, as they go out. */
  advanceTo(at: number): Notification[] {
    const due = [...this.waiting.values()].filter((w) => w.at <= at).sort((a, b) => a.at - b.at);
    return due.map((w) => this.send(w));
  }

  /** Everything still waiting, as it goes out after the last event. */
  finish(): Notification[] {
    return this.advanceTo(Number.POSITIVE_INFINITY);
  }

  private silenceAt(alarm: TimelineAlarm, at: number): TimelineSilence | undefined {
    const inForce = this.silences.filter((s) => silenceActive(s, new Date(at)));
    return longestMatchingSilence(inForce, alarm.labels);
  }

  /** The latest critical alarm for the model within the window before this one, as firingCritical reads it. */
  private firingCritical(alarm: TimelineAlarm): TimelineAlarm | undefined {
    const minutes = this.settings.inhibitMinutes;
    if (!mayBeInhibited(alarm.labels.priority, minutes)) return undefined;
    const target = {
      model: alarm.labels.model,
      priority: alarm.labels.priority,
      raisedAt: new Date(alarm.raisedAt),
    };
    const candidates = this.criticals.filter(
      (c) => c.id !== alarm.id && c.labels.model === alarm.labels.model,
    );
    const latest = candidates.reduce<TimelineAlarm | undefined>(
      (best, c) =>
        c.raisedAt <= alarm.raisedAt && (best === undefined || c.raisedAt > best.raisedAt) ? c : best,
      undefined,
    );
    if (!latest) return undefined;
    const firing = {
      model: latest.labels.model,
      priority: 'critical' as const,
      raisedAt: new Date(latest.raisedAt),
    };
    return inhibits(firing, target, minutes) ? latest : undefined;
  }

  /** Joins the waiting message of `key` (a later alarm joins the first one's wait), or opens one due at `dueAt`. */
  private wait(kind: Waiting['kind'], key: string, dueAt: number, alarm: TimelineAlarm): number {
    const id = `${kind}:${key}`;
    const open = this.waiting.get(id) ?? { kind, key, at: dueAt, alarms: [] };
    open.alarms.push(alarm);
    this.waiting.set(id, open);
    return open.at;
  }

  /**
   * The worker flushes warnings on a timer every ALERT_WARNING_BATCH_SECONDS from its start; with
   * no start to go by, the timeline ticks on multiples of the interval since the epoch.
   */
  private nextBatchTick(at: number): number {
    const interval = this.settings.warningBatchSeconds * 1000;
    return (Math.floor(at / interval) + 1) * interval;
  }

  private send(w: Waiting): Notification {
    this.waiting.delete(`${w.kind}:${w.key}`);
    const alarms: TimelineAlarm[] = [];
    const silencedWhileWaiting: Notification['silencedWhileWaiting'] = [];
    for (const alarm of w.alarms) {
      const silence = this.silenceAt(alarm, w.at);
      if (silence) silencedWhileWaiting.push({ alarm, by: silence.id });
      else alarms.push(alarm);
    }
    return {
      kind: w.kind,
      at: w.at,
      ...(w.kind === 'group' ? { groupKey: w.key } : {}),
      alarms,
      silencedWhileWaiting,
    };
  }
}
