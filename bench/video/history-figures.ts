/**
 * Where one video job's time went, read from its Temporal history: the server stamps every event,
 * so queue waits, workflow tasks and activity runs come from the same clock, not from guesses.
 */

export interface HistoryFigures {
  activities: number;
  /** Sum over activities of scheduled → started (waiting in the task queue). */
  activityQueueMs: number;
  /** Sum over activities of started → completed (running in the worker). */
  activityRunMs: number;
  workflowTasks: number;
  /** Sum over workflow tasks of scheduled → completed. */
  workflowTaskMs: number;
  /** Sum over workflow tasks of scheduled → started (waiting for a poller). */
  workflowTaskQueueMs: number;
  /** First event → last event: the part of the wall time the server saw. */
  historySpanMs: number;
}

/** Activity type → started → completed of its (last) attempt, summed over calls of that type. */
export type ActivityRunByType = Record<string, number>;

export type HistoryEvent = {
  eventId?: { toString(): string } | null;
  eventTime?: { seconds?: { toString(): string } | null; nanos?: number | null } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: { toString(): string } | null } | null;
  activityTaskCompletedEventAttributes?: {
    scheduledEventId?: { toString(): string } | null;
    startedEventId?: { toString(): string } | null;
  } | null;
  workflowTaskStartedEventAttributes?: { scheduledEventId?: { toString(): string } | null } | null;
  workflowTaskCompletedEventAttributes?: { scheduledEventId?: { toString(): string } | null } | null;
};

export function historyFigures(events: HistoryEvent[]): {
  totals: HistoryFigures;
  byType: ActivityRunByType;
} {
  const at = new Map<string, number>();
  const typeOf = new Map<string, string>();
  for (const e of events) {
    const t = e.eventTime;
    at.set(String(e.eventId), Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType?.name ?? 'unknown');
  }
  const times = [...at.values()];
  const totals: HistoryFigures = {
    activities: 0,
    activityQueueMs: 0,
    activityRunMs: 0,
    workflowTasks: 0,
    workflowTaskMs: 0,
    workflowTaskQueueMs: 0,
    historySpanMs: times.length ? Math.max(...times) - Math.min(...times) : 0,
  };
  const byType: ActivityRunByType = {};
  const since = (me: number, id: { toString(): string } | null | undefined) =>
    me - (at.get(String(id)) ?? me);
  for (const e of events) {
    const me = at.get(String(e.eventId)) ?? 0;
    const started = e.activityTaskStartedEventAttributes;
    if (started) totals.activityQueueMs += since(me, started.scheduledEventId);
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) {
      const run = since(me, completed.startedEventId);
      const type = typeOf.get(String(completed.scheduledEventId)) ?? 'unknown';
      totals.activities += 1;
      totals.activityRunMs += run;
      byType[type] = (byType[type] ?? 0) + run;
    }
    const wftStarted = e.workflowTaskStartedEventAttributes;
    if (wftStarted) totals.workflowTaskQueueMs += since(me, wftStarted.scheduledEventId);
    const wft = e.workflowTaskCompletedEventAttributes;
    if (wft) {
      totals.workflowTasks += 1;
      totals.workflowTaskMs += since(me, wft.scheduledEventId);
    }
  }
  return { totals, byType };
}
