/**
 * How the outside world (the Kafka bridge, the HTTP way in, the CLI) reaches our workflows:
 * workflow type names, ids, signal names and inputs. Plain strings and types, so the bridge
 * routes by name and never imports workflow code.
 */
import { serviceOfSubject, type VideoEvent } from '../domain/events';
import type { GuardianSettingsInput } from '../domain/policy/settings';
import type { ReportHeadlineFigures } from './report-activities';

// ---- model guardian: one long-lived workflow per model -----------------------------------

export const GUARDIAN_WORKFLOW_TYPE = 'modelGuardianWorkflow';
/**
 * Signal carrying one validated ModelEvent; the bridge starts the guardian first when none runs,
 * and sends the signal with the request id `bridge-signal:<event_id>`: Temporal drops a repeat of a request id the run has
 * seen, so a re-delivered Kafka message is not signalled twice to the same run. The guardian
 * still dedupes by event_id (a re-delivery can reach a later run after continue-as-new).
 */
export const GUARDIAN_EVENT_SIGNAL = 'modelEvent';
/**
 * Signal carrying several validated ModelEvents of one model, in order: what queued for the model
 * while the bridge's previous call to its guardian was in flight. Its request id is derived from
 * all their event ids; a batch regrouped after a bridge restart is caught by the guardian's
 * event_id dedupe.
 */
export const GUARDIAN_EVENTS_SIGNAL = 'modelEvents';

/**
 * `model-guardian:<model>`, or `service-guardian:<service>` for the subject `service:<service>`
 * of a system event that names no model: a service and a model of the same name never share
 * a guardian, cooldowns or history.
 */
export function guardianWorkflowId(modelName: string): string {
  const service = serviceOfSubject(modelName);
  return service === undefined ? `model-guardian:${modelName}` : `service-guardian:${service}`;
}

/**
 * First-run input of the guardian; later runs (continue-as-new) carry state as well.
 * Only `modelName` is required. The bridge should also pass
 * `settings: guardianSettingsFromConfig(config)` (src/domain/policy/settings.ts) so the guardian
 * uses the configured TIME_ZONE, business hours, maintenance window and DRY_RUN; every field left
 * out takes its default inside the workflow (UTC, 06:00–22:59, 02:00–04:00, no dry run).
 * Settings are read when a guardian starts and are carried across continue-as-new; a running
 * guardian takes changed settings through the operator update (`{ command: 'settings' }`).
 */
export interface GuardianStartInput {
  modelName: string;
  settings?: GuardianSettingsInput;
  /**
   * GUARDIAN_IDLE_MINUTES: a guardian with nothing to do for this long ends, and the next event
   * starts it again (it rebuilds its memory from the audit trail). Absent or 0: it never ends.
   */
  idleMinutes?: number;
}

/** Query: the guardian's state (cooldowns with end times, recent responses, pending retrain, paused, last decisions). */
export const GUARDIAN_STATE_QUERY = 'guardianState';
/** Query: the bounded decision history (last 1,000), newest first; optional argument: how many. */
export const GUARDIAN_HISTORY_QUERY = 'guardianHistory';
/** Signal from a RETRAIN child workflow to its guardian: the outcome of the training job. */
export const GUARDIAN_ACTION_FINISHED_SIGNAL = 'guardianActionFinished';
/** Signal from a RETRAIN child to its guardian: a passed candidate waits for approval to be promoted. */
export const GUARDIAN_PROMOTION_APPROVAL_SIGNAL = 'promotionApprovalRequested';
/** Signal from the guardian to a RETRAIN child: the answer to its promotion request. */
export const RETRAIN_PROMOTION_ANSWER_SIGNAL = 'promotionAnswer';
/** Update (with validator): approve a pending approval request ({ requestId, by, reason? }); the action runs. */
export const GUARDIAN_APPROVE_UPDATE = 'approve';
/** Update (with validator): reject a pending approval request ({ requestId, by, reason? }); nothing runs. */
export const GUARDIAN_REJECT_UPDATE = 'reject';
/** ApplicationFailure types of the approve/reject validators: a caller maps them to its answer (404, 400). */
export const APPROVAL_FAILURE_TYPES = {
  /** No such request waits: unknown, already answered, or timed out. */
  unknownRequest: 'UnknownApprovalRequest',
  /** The answer itself is wrong: no `by`, too long, not an object. */
  invalidAnswer: 'InvalidApprovalAnswer',
} as const;
/** Query: the approval requests a guardian waits on (README "Approval before acting"). */
export const GUARDIAN_PENDING_APPROVALS_QUERY = 'pendingApprovals';
/** Update (with validator) for operators: pause/resume, clear a cooldown, force an action, change settings; each needs a reason. */
export const GUARDIAN_OPERATOR_UPDATE = 'operatorCommand';

// ---- video analysis: one workflow run per uploaded video ----------------------------------

export const VIDEO_WORKFLOW_TYPE = 'videoAnalysisWorkflow';

/** The identity of an upload: the video id when given, else the object key (with bucket). */
export function videoKey(event: Pick<VideoEvent, 'video_id' | 'object_key' | 'bucket'>): string {
  if (event.video_id) return event.video_id;
  return event.bucket ? `${event.bucket}/${event.object_key}` : String(event.object_key);
}

export function videoWorkflowId(key: string): string {
  return `video-analysis:${key}`;
}

export interface VideoAnalysisInput {
  videoKey: string;
  videoId?: string;
  objectKey?: string;
  bucket?: string;
  /** The upload event that asked for this job. */
  eventId: string;
  /** A deliberate re-analysis of a video analysed before. */
  reanalyze?: boolean;
  /** Set on an automatic re-run (continue-as-new of a failed run): which one and why. */
  rerun?: VideoRerun;
}

/** An automatic re-run of a failed video job (VIDEO_RERUN_ATTEMPTS): the same job, run again. */
export interface VideoRerun {
  /** 1 for the first re-run. */
  attempt: number;
  previousRunId: string;
  /** The failure of the previous run. */
  reason: string;
}

/**
 * Id reuse / conflict policy of video jobs — how "one upload, one job" is enforced.
 *
 * The workflow id is `videoWorkflowId(videoKey(event))`, so every delivery of the same upload
 * (same video id, or same bucket + object key) names the same workflow. Start it with
 * `client.workflow.start(VIDEO_WORKFLOW_TYPE, { workflowId, args: [input], ...videoStartPolicies(input) })`:
 *
 * - while a job for the video RUNS, any second start (duplicate or `reanalyze`) is rejected
 *   (`workflowIdConflictPolicy: 'FAIL'` → `WorkflowExecutionAlreadyStartedError`): the running
 *   job is never terminated or doubled;
 * - after a job CLOSED (completed, failed, cancelled, terminated), a normal start is rejected
 *   as well (`workflowIdReusePolicy: 'REJECT_DUPLICATE'`): a redelivered upload event never
 *   re-runs a finished job — not even a failed one;
 * - only an input with `reanalyze: true` may start a new run after a closed one
 *   (`'ALLOW_DUPLICATE'`). That is also how a failed job is retried on purpose (e.g. after
 *   PostgreSQL was down): the new run detects again and saves every detection idempotently.
 *
 * The same re-analysis request delivered twice must not start two runs either: the bridge puts
 * the triggering event id in the run's memo (`{ eventId }`) and counts a `reanalyze` event as a
 * duplicate when the latest run already carries that id.
 *
 * The caller treats `WorkflowExecutionAlreadyStartedError` as a duplicate: it is not an error
 * of the event, it is logged, counted and published to `system.alerts` as a duplicate upload,
 * and the offset moves on.
 *
 * Temporal only remembers closed workflow ids for the namespace's retention period, so the
 * workflow itself also checks PostgreSQL (table `video_analysis_jobs`) before doing any work:
 * a video whose earlier job finished is not analysed again unless `reanalyze` is set, however
 * old that job is; that run ends at once with status `duplicate` and publishes a duplicate alert.
 */
export interface VideoStartPolicies {
  /** Same literals as `WorkflowIdReusePolicy` of @temporalio/common. */
  workflowIdReusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE';
  /** Same literal as `WorkflowIdConflictPolicy` of @temporalio/common. */
  workflowIdConflictPolicy: 'FAIL';
}

/** The id reuse / conflict policies a video job must be started with (see VideoStartPolicies). */
export function videoStartPolicies(input: Pick<VideoAnalysisInput, 'reanalyze'>): VideoStartPolicies {
  return {
    workflowIdReusePolicy: input.reanalyze ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
    workflowIdConflictPolicy: 'FAIL',
  };
}

/** Query returning the job's VideoAnalysisProgress (step n/5, counts, elapsed time, batch size). */
export const VIDEO_PROGRESS_QUERY = 'videoProgress';

// ---- daily log report: one run per report date -------------------------------------------

export const DAILY_REPORT_WORKFLOW_TYPE = 'dailyLogReportWorkflow';
export const DAILY_REPORT_SCHEDULE_ID = 'daily-log-report';

export function dailyReportWorkflowId(reportDate: string): string {
  return `daily-log-report:${reportDate}`;
}

export interface DailyReportInput {
  /** IANA zone of the report date. */
  timeZone: string;
  /**
   * The date to report on. Absent when a Schedule starts the run: the date is then derived
   * from the scheduled time (the last local day that had ended) and the report runs as a
   * child workflow whose id is that date's.
   */
  reportDate?: string;
}

export type DailyReportResult =
  | (ReportHeadlineFigures & {
      status: 'written';
      alerted: boolean;
      /** What limited the report (unreadable sources, malformed lines, clock skew); first 10. */
      findings: string[];
    })
  /** A run for the date was already going (e.g. started by hand); it writes the report. */
  | { status: 'already-running'; reportDate: string; workflowId: string };
