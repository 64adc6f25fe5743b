import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * Where one workflow's time went, read from its event history (all its runs, newest first up to
 * `maxRuns`): how long its workflow tasks waited for a worker and ran, how long each kind of
 * activity waited and ran, and how many events, signals and tasks the history holds.
 */
export interface HistoryTiming {
  workflowId: string;
  runs: number;
  events: number;
  signals: number;
  workflowTasks: {
    count: number;
    meanScheduleToStartMs: number;
    meanStartToCloseMs: number;
    maxStartToCloseMs: number;
  };
  activities: Record<string, { count: number; meanScheduleToStartMs: number; meanStartToCloseMs: number }>;
  /** The three longest workflow tasks: when they started, how long they ran, the run's event count then. */
  slowestWorkflowTasks: Array<{ startedAt: string; ms: number; eventId: number }>;
}

const EventType = temporal.api.enums.v1.EventType;
const ms = (t: unknown) => {
  const ts = t as { seconds?: { toNumber?: () => number } | number; nanos?: number } | null | undefined;
  if (!ts) return 0;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber?.() ?? 0);
  return seconds * 1000 + (ts.nanos ?? 0) / 1e6;
};
const mean = (values: number[]) =>
  values.length === 0 ? 0 : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;

export async function historyTiming(client: Client, workflowId: string, maxRuns = 3): Promise<HistoryTiming> {
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  const timing: HistoryTiming = {
    workflowId,
    runs: 0,
    events: 0,
    signals: 0,
    workflowTasks: { count: 0, meanScheduleToStartMs: 0, meanStartToCloseMs: 0, maxStartToCloseMs: 0 },
    activities: {},
    slowestWorkflowTasks: [],
  };
  const slow: HistoryTiming['slowestWorkflowTasks'] = [];
  const wftWait: number[] = [];
  const wftRun: number[] = [];
  const activity = new Map<string, { wait: number[]; run: number[] }>();
  while (runId && timing.runs < maxRuns) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    timing.runs++;
    timing.events += events.length;
    const at = new Map<number, number>();
    const activityType = new Map<number, string>();
    let previousRun: string | undefined;
    for (const e of events) {
      const id = Number(e.eventId);
      const time = ms(e.eventTime);
      at.set(id, time);
      switch (e.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
          previousRun = e.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
          timing.signals++;
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
          wftWait.push(
            time - (at.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId)) ?? time),
          );
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
          const started = at.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId)) ?? time;
          wftRun.push(time - started);
          slow.push({
            startedAt: new Date(started).toISOString(),
            ms: Math.round(time - started),
            eventId: id,
          });
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
          activityType.set(id, e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
          const scheduled = Number(e.activityTaskStartedEventAttributes?.scheduledEventId);
          const kind = activityType.get(scheduled) ?? '?';
          const entry = activity.get(kind) ?? { wait: [], run: [] };
          entry.wait.push(time - (at.get(scheduled) ?? time));
          activity.set(kind, entry);
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const attrs = e.activityTaskCompletedEventAttributes;
          const kind = activityType.get(Number(attrs?.scheduledEventId)) ?? '?';
          const started = at.get(Number(attrs?.startedEventId));
          if (started !== undefined) activity.get(kind)?.run.push(time - started);
          break;
        }
      }
    }
    runId = previousRun;
  }
  timing.workflowTasks = {
    count: wftRun.length,
    meanScheduleToStartMs: mean(wftWait),
    meanStartToCloseMs: mean(wftRun),
    maxStartToCloseMs: Math.round(Math.max(0, ...wftRun)),
  };
  timing.slowestWorkflowTasks = slow.sort((a, b) => b.ms - a.ms).slice(0, 3);
  for (const [kind, { wait, run }] of activity)
    timing.activities[kind] = {
      count: run.length,
      meanScheduleToStartMs: mean(wait),
      meanStartToCloseMs: mean(run),
    };
  return timing;
}
