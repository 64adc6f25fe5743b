/**
 * An alarm on its way to people, whoever raised it (README "Alerting"). Activities and the bridge
 * build one from their own alert shapes and hand it to the one alert sender.
 */

import type { AlarmRoute } from '../domain/alerting/alarm-route';
import type { AlertPriorityLevel } from '../domain/policy/actions';

/** Where an alarm came from: the guardian's ALERT and failure alerts, video analysis, the daily report, the bridge. */
export type AlarmSource = 'guardian' | 'video' | 'report' | 'bridge';

export interface Alarm {
  /** Stable for the condition it reports, so a retried send is the same alarm (and not sent twice). */
  alarmId: string;
  source: AlarmSource;
  /** What it is about: a model, a video key, a report date, `fleet`. */
  subject: string;
  /** What kind of alarm (`db_connection_failures`, `duplicate_job`), when the source has kinds. */
  kind?: string;
  title: string;
  message: string;
  priority: AlertPriorityLevel;
  /** ISO-8601: when the alarm was raised (its delivery latency is measured from here). */
  time: string;
  /** Send at once whatever its priority: a duplicate job is worth a person's attention now. */
  immediate?: boolean;
  /**
   * It asks a person for an answer (an approval request): no silence, inhibition or group wait
   * holds it back (domain/alerting/answer-needed.ts).
   */
  answerNeeded?: boolean;
  /** A few facts for the JSON webhook and the table (ids, counts); never secrets. */
  details?: Record<string, unknown>;
}

export type { AlarmRoute } from '../domain/alerting/alarm-route';

/** What the sender did with one alarm. */
export interface AlarmDispatch {
  route: AlarmRoute;
  /** Channels that accepted it (now; for a batch, later). */
  deliveredTo: string[];
  /** Channels that refused it or could not be reached after every attempt: recorded and counted. */
  undelivered: { channel: string; error: string }[];
  /** Held back from people (recorded in the alarms table, counted): by a silence or an inhibiting alarm. */
  suppressed?: AlarmSuppression;
  /** A critical alarm waiting in its group (ALERT_GROUP_WAIT_SECONDS): the group goes out at `sendAt`. */
  grouped?: { groupKey: string; sendAt: string };
}

/** Why an alarm was recorded but not sent, naming what held it back. */
export interface AlarmSuppression {
  reason: 'silenced' | 'inhibited';
  /** The silence id, or the id of the critical alarm that inhibits it. */
  by: string;
}
