import { z } from 'zod';
import {
  APPROVAL_TIMEOUT_OUTCOMES,
  DEFAULT_APPROVAL_TIMEOUT_MINUTES,
  MAX_APPROVAL_TIMEOUT_MINUTES,
  parseApprovalRules,
} from '../domain/approval/approval-settings';
import { parseHysteresisRules } from '../domain/policy/hysteresis';
import { MAX_GUARDIAN_SHARDS } from '../contracts/guardian-shards';
import {
  booleanFlag,
  environmentNameList,
  EXPLAINS,
  httpUrl,
  parseSettings,
  positiveInt,
  setting,
  SettingsValues,
} from './setting';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const hour = z.coerce.number().int().min(0).max(23);

/** Settings of the auto-response policy and of the backends its actions use. */
export const guardianSettings = {
  businessHoursStart: setting({
    env: 'BUSINESS_HOURS_START',
    schema: hour.default(6),
    description: 'First hour (0-23, in TIME_ZONE) in which RETRAIN/ROLLBACK run automatically.',
    expects: 'an hour from 0 to 23',
    defaultText: '6',
  }),
  businessHoursEnd: setting({
    env: 'BUSINESS_HOURS_END',
    schema: hour.default(22),
    description:
      'Last hour (0-23, inclusive) of business hours; 22 means 06:00-22:59 with the default start.',
    expects: 'an hour from 0 to 23',
    defaultText: '22',
  }),
  criticalOverridesBusinessHours: setting({
    env: 'BUSINESS_HOURS_CRITICAL_OVERRIDE',
    schema: booleanFlag.default(false),
    description: 'Let CRITICAL events RETRAIN/ROLLBACK outside business hours.',
    expects: 'true or false',
    defaultText: 'false',
  }),
  maintenanceWindowStart: setting({
    env: 'MAINTENANCE_WINDOW_START',
    schema: clockTime.default('02:00'),
    description: 'Daily start (HH:MM, TIME_ZONE) of the window in which MEDIUM-drift retrains run.',
    expects: 'a time HH:MM, e.g. 02:00',
    defaultText: '02:00',
  }),
  maintenanceWindowEnd: setting({
    env: 'MAINTENANCE_WINDOW_END',
    schema: clockTime.default('04:00'),
    description: 'Daily end (HH:MM, TIME_ZONE) of the maintenance window.',
    expects: 'a time HH:MM, e.g. 04:00',
    defaultText: '04:00',
  }),
  dryRun: setting({
    env: 'DRY_RUN',
    schema: booleanFlag.default(false),
    description: 'Decide and record, but run no action.',
    expects: 'true or false',
    defaultText: 'false',
  }),
  hysteresis: setting({
    env: 'GUARDIAN_HYSTERESIS',
    schema: z
      .string()
      .default('')
      .transform((text, ctx) => {
        try {
          return parseHysteresisRules(text);
        } catch (err) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
          return z.NEVER;
        }
      }),
    description:
      'Act on an event type only after N detections within a window (minutes or hours); earlier ones are recorded as "waiting for confirmation" and nothing runs. Unset: every detection acts.',
    expects:
      'EVENT_TYPE=N/WINDOW, comma-separated, e.g. data_drift_detected=2/30m,model_performance_degraded=3/1h',
    defaultText: '(none)',
  }),
  evaluationMetric: setting({
    env: 'EVALUATION_METRIC',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_.\-/ ]{1,250}$/)
      .optional(),
    description:
      'After a successful RETRAIN, compare the new version with the serving (champion) version on this metric and promote it only if it passes (README "Evaluate and promote"). Unset: no evaluation, a retrain ends when training does.',
    expects: 'a metric name, e.g. auc',
    defaultText: '(none)',
  }),
  evaluationDirection: setting({
    env: 'EVALUATION_DIRECTION',
    schema: z.enum(['higher', 'lower']).default('higher'),
    description: 'Which way EVALUATION_METRIC is better: higher (auc, accuracy) or lower (loss, error rate).',
    expects: 'higher or lower',
    defaultText: 'higher',
  }),
  evaluationMinImprovement: setting({
    env: 'EVALUATION_MIN_IMPROVEMENT',
    schema: z.coerce.number().finite().default(0),
    description:
      "How much better than the champion the candidate must be, in the metric's units; 0 lets an equal candidate pass.",
    expects: 'a number, e.g. 0.005',
    defaultText: '0',
  }),
  evaluationTolerance: setting({
    env: 'EVALUATION_TOLERANCE',
    schema: z.coerce.number().finite().min(0).optional(),
    description:
      'Instead of a minimum improvement: pass unless the candidate is worse than the champion by more than this (not with EVALUATION_MIN_IMPROVEMENT).',
    expects: 'a number of at least 0, e.g. 0.01',
    defaultText: '(none)',
  }),
  evaluationMetricsSource: setting({
    env: 'EVALUATION_METRICS_SOURCE',
    schema: z.enum(['builtin', 'training', 'mlflow', 'service']).default('builtin'),
    description:
      "Where the two versions' metric comes from: builtin (the PostgreSQL table model_version_metrics), training (the training service's job result: `metrics` and `champion_metrics`), mlflow (the run metrics of both versions in MLFLOW_TRACKING_URI) or service (EVALUATION_SERVICE_URL).",
    expects: 'builtin, training, mlflow or service',
    defaultText: 'builtin',
  }),
  evaluationServiceUrl: setting({
    env: 'EVALUATION_SERVICE_URL',
    schema: httpUrl.optional(),
    description:
      'HTTP evaluation service that measures a candidate and the champion (POST /evaluations), for EVALUATION_METRICS_SOURCE=service.',
    expects: 'an http(s) URL',
  }),
  promotionMode: setting({
    env: 'PROMOTION_MODE',
    schema: z.enum(['auto', 'approval']).default('auto'),
    description:
      'What a candidate that passed evaluation does: auto promotes it at once; approval waits for a person (`mlops-guardian approve` or POST /approvals/…) and applies GUARDIAN_APPROVAL_TIMEOUT_MINUTES and GUARDIAN_APPROVAL_TIMEOUT_OUTCOME when nobody answers (README "Promotion after approval").',
    expects: 'auto or approval',
    defaultText: 'auto',
  }),
  promotionWatchMinutes: setting({
    env: 'GUARDIAN_PROMOTION_WATCH_MINUTES',
    schema: z.coerce.number().int().min(0).max(10_080).default(30),
    description:
      'After a retrain promotes a new version, watch it this long: a degradation or failed health check of the model rolls back to the version it replaced at once, past business hours, cooldowns, the frequency limit and hysteresis (README "Watch after promotion"). 0: no watch.',
    expects: 'a whole number of minutes (0 to 10080)',
    defaultText: '30',
  }),
  approvalRequired: setting({
    env: 'GUARDIAN_APPROVAL_REQUIRED',
    schema: z
      .string()
      .default('')
      .transform((text, ctx) => {
        try {
          return parseApprovalRules(text);
        } catch (err) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: (err as Error).message,
            params: { [EXPLAINS]: true },
          });
          return z.NEVER;
        }
      }),
    description:
      'Decisions that wait for a person instead of running (README "Approval before acting"): the guardian sends an approval request alert and runs the action only once someone approves it (`mlops-guardian approve` or POST /approvals/…). The severity is matched exactly; `*` matches every severity. Unset: nothing waits.',
    expects:
      'ACTION:SEVERITY, comma-separated, e.g. ROLLBACK:HIGH,ROLLBACK:CRITICAL,SCALE_UP:* (severity LOW, MEDIUM, HIGH, CRITICAL or *)',
    defaultText: '(none)',
  }),
  approvalTimeoutMinutes: setting({
    env: 'GUARDIAN_APPROVAL_TIMEOUT_MINUTES',
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_APPROVAL_TIMEOUT_MINUTES)
      .default(DEFAULT_APPROVAL_TIMEOUT_MINUTES),
    description:
      'How long an approval request waits for an answer; then GUARDIAN_APPROVAL_TIMEOUT_OUTCOME applies. Read when a guardian starts.',
    expects: `a whole number of minutes (1 to ${MAX_APPROVAL_TIMEOUT_MINUTES})`,
    defaultText: String(DEFAULT_APPROVAL_TIMEOUT_MINUTES),
  }),
  approvalTimeoutOutcome: setting({
    env: 'GUARDIAN_APPROVAL_TIMEOUT_OUTCOME',
    schema: z.enum(APPROVAL_TIMEOUT_OUTCOMES).default('abandon'),
    description:
      'What an approval request nobody answered in time does: abandon (nothing runs) or proceed (the action runs, its reason says nobody answered).',
    expects: 'abandon or proceed',
    defaultText: 'abandon',
  }),
  idleMinutes: setting({
    env: 'GUARDIAN_IDLE_MINUTES',
    schema: z.coerce.number().int().min(0).max(525_600).default(1440),
    description:
      "A guardian with nothing queued, running or waiting (no retrain, not paused, the settings it started with) for this long ends; the model's next event starts it again, and it rebuilds its cooldowns and recent decisions from the audit trail. 0: guardians never end. Read when a guardian starts.",
    expects: 'a whole number of minutes (0 to 525600)',
    defaultText: '1440',
  }),
  maxActive: setting({
    env: 'GUARDIAN_MAX_ACTIVE',
    schema: positiveInt.default(10_000),
    description:
      'Most guardians running at once (counted on TEMPORAL_TASK_QUEUE by a Temporal visibility query, shared by every bridge). Past it, an event for a model with no running guardian is dead-lettered as guardian_cap_reached (HTTP ingest answers 503 with Retry-After); models whose guardian runs are not affected.',
    expects: 'a positive integer',
    defaultText: '10000',
  }),
  shards: setting({
    env: 'GUARDIAN_SHARDS',
    schema: z.coerce.number().int().min(0).max(MAX_GUARDIAN_SHARDS).default(0),
    description:
      '0: one guardian workflow per model (model-guardian:<model>). N > 0: N guardian shards (guardian-shard:0 … N-1) each decide the events of every model whose name hashes to it, with the same policy and per-model state, one workflow task and one audit write per turn for all of them: for hundreds of events a second. Per-model status by the shard\'s queries; see README "Guardian shards". Changing N moves models to other shards, whose state starts empty.',
    expects: `a whole number from 0 to ${MAX_GUARDIAN_SHARDS}`,
    defaultText: '0',
  }),
  trainingServiceUrl: setting({
    env: 'TRAINING_SERVICE_URL',
    schema: httpUrl.optional(),
    description: 'HTTP training service (submit + poll). Unset: TRAINING_COMMAND runs locally.',
    expects: 'an http(s) URL',
  }),
  trainingCommand: setting({
    env: 'TRAINING_COMMAND',
    schema: z.string().min(1).optional(),
    description:
      'Local training command line, run by `sh -c` per job with MODEL_NAME, MODEL_VERSION, TRAINING_REASON, TRAINING_PRIORITY, TRAINING_EVENT_ID, TRAINING_JOB_ID in its environment; exit code 0 = success.',
    expects: 'a command line',
  }),
  trainingCommandEnv: setting({
    env: 'TRAINING_COMMAND_ENV',
    schema: environmentNameList.default([]),
    description:
      "Further variables of the worker's environment the training command may see. It gets only these, the job variables and PATH, HOME, USER, LOGNAME, SHELL, LANG, LANGUAGE, LC_*, TZ, TMPDIR, TMP and TEMP; nothing else (database, Kafka, Temporal, MLflow or webhook credentials included) reaches it unless named here.",
    expects: 'a comma-separated list of environment variable names, e.g. CUDA_VISIBLE_DEVICES,HF_HOME',
  }),
  trainingPollIntervalSeconds: setting({
    env: 'TRAINING_POLL_INTERVAL_SECONDS',
    schema: z.coerce.number().positive().default(15),
    description: 'How often the HTTP training service is asked for a job status.',
    expects: 'a positive number of seconds',
    defaultText: '15',
  }),
  backendRequestTimeoutSeconds: setting({
    env: 'BACKEND_REQUEST_TIMEOUT_SECONDS',
    schema: z.coerce.number().positive().default(10),
    description:
      'Timeout of one HTTP request to a backend (training, MLflow, scaling, webhook); a timeout is retried.',
    expects: 'a positive number of seconds',
    defaultText: '10',
  }),
  mlflowTrackingUri: setting({
    env: 'MLFLOW_TRACKING_URI',
    schema: httpUrl.optional(),
    description:
      'MLflow server whose Model Registry holds versions. Unset: the built-in registry in PostgreSQL.',
    expects: 'an http(s) URL',
  }),
  mlflowTrackingToken: setting({
    env: 'MLFLOW_TRACKING_TOKEN',
    schema: z.string().min(1).optional(),
    description: 'Bearer token for the MLflow server, if it needs one.',
    expects: 'a token',
    secret: true,
  }),
  mlflowServingAlias: setting({
    env: 'MLFLOW_SERVING_ALIAS',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/)
      .default('champion'),
    description: 'MLflow registered-model alias that marks the serving version; ROLLBACK moves it.',
    expects: 'an alias name (letters, digits, "_", "-")',
    defaultText: 'champion',
  }),
  scalingServiceUrl: setting({
    env: 'SCALING_SERVICE_URL',
    schema: httpUrl.optional(),
    description:
      'HTTP endpoint that changes a serving service instance count. Unset: scaling is recorded in PostgreSQL only.',
    expects: 'an http(s) URL',
  }),
  monitoringServiceUrl: setting({
    env: 'MONITORING_SERVICE_URL',
    schema: httpUrl.optional(),
    description:
      "HTTP endpoint that raises a model's check frequency for MONITOR. Unset: recorded in PostgreSQL (model_monitoring_overrides) only.",
    expects: 'an http(s) URL',
  }),
  scalingMaxInstances: setting({
    env: 'SCALING_MAX_INSTANCES',
    schema: z.coerce.number().int().min(1).default(20),
    description: 'SCALE_UP never goes above this many instances (SCALE_DOWN never below 1).',
    expects: 'a positive integer',
    defaultText: '20',
  }),
};

export type GuardianConfig = SettingsValues<typeof guardianSettings>;

export function parseGuardianConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(guardianSettings, env);
}
