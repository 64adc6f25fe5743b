import { AlertingConfig, alertingSettings, parseAlertingConfig } from './config/alerting';
import { BridgeConfig, bridgeSettings, parseBridgeConfig } from './config/bridge';
import { evaluationClashes } from './config/evaluation-clashes';
import { shardClashes } from './config/shard-clashes';
import { GuardianConfig, guardianSettings, parseGuardianConfig } from './config/guardian';
import { IngestConfig, ingestSettings, parseIngestConfig } from './config/ingest';
import { KafkaConfig, kafkaSettings, parseKafkaConfig } from './config/kafka';
import { listenerClashes } from './config/listener-clashes';
import { parseReportConfig, ReportConfig, reportSettings } from './config/report';
import { parseRoleConfig, RoleConfig, roleSettings } from './config/roles';
import { parseRuntimeConfig, RuntimeConfig, runtimeSettings } from './config/runtime';
import { Settings } from './config/setting';
import { taskQueueClashes, taskQueues } from './config/task-queues';
import { parseTemporalConfig, TemporalConfig, temporalSettings } from './config/temporal';
import { parseTracingConfig, TracingConfig, tracingSettings } from './config/tracing';
import { parseVideoConfig, VideoConfig, videoSettings } from './config/video';
import { parseWorkerConfig, WorkerConfig, workerSettings } from './config/worker';

/** Every setting of the product, read from the environment once at start. */
export interface Config {
  temporal: TemporalConfig;
  kafka: KafkaConfig;
  runtime: RuntimeConfig;
  guardian: GuardianConfig;
  alerting: AlertingConfig;
  bridge: BridgeConfig;
  ingest: IngestConfig;
  video: VideoConfig;
  report: ReportConfig;
  worker: WorkerConfig;
  roles: RoleConfig;
  tracing: TracingConfig;
}

/** The settings behind each part of Config. */
const settingsOfConfig: { [K in keyof Config]: Settings } = {
  temporal: temporalSettings,
  kafka: kafkaSettings,
  runtime: runtimeSettings,
  guardian: guardianSettings,
  alerting: alertingSettings,
  bridge: bridgeSettings,
  ingest: ingestSettings,
  video: videoSettings,
  report: reportSettings,
  worker: workerSettings,
  roles: roleSettings,
  tracing: tracingSettings,
};

/** Each group of settings, for documentation and for checks against deployment files. */
export const settingGroups: Record<string, Settings> = {
  Temporal: temporalSettings,
  Kafka: kafkaSettings,
  Runtime: runtimeSettings,
  'Auto-response': guardianSettings,
  Alerting: alertingSettings,
  'Kafka bridge': bridgeSettings,
  'Incoming events': ingestSettings,
  'Video analysis': videoSettings,
  'Daily report': reportSettings,
  'Worker metrics': workerSettings,
  'Worker roles and task queues': roleSettings,
  Tracing: tracingSettings,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses the whole configuration; throws one ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const temporal = parseTemporalConfig(env);
  const kafka = parseKafkaConfig(env);
  const runtime = parseRuntimeConfig(env);
  const guardian = parseGuardianConfig(env);
  const alerting = parseAlertingConfig(env);
  const bridge = parseBridgeConfig(env);
  const ingest = parseIngestConfig(env);
  const video = parseVideoConfig(env);
  const report = parseReportConfig(env);
  const worker = parseWorkerConfig(env);
  const roles = parseRoleConfig(env);
  const tracing = parseTracingConfig(env);
  const problems = [
    temporal,
    kafka,
    runtime,
    guardian,
    alerting,
    bridge,
    ingest,
    video,
    report,
    worker,
    roles,
    tracing,
  ].flatMap((r) => r.errors);
  if (guardian.errors.length === 0)
    problems.push(...evaluationClashes(guardian.values), ...shardClashes(guardian.values));
  // With WORKER_ROLES itself invalid its error is enough; no role means no listener to check.
  const runningRoles = roles.errors.length === 0 ? roles.values.roles : [];
  problems.push(...listenerClashes(temporal.values, bridge.values, worker.values, runningRoles));
  if (problems.length === 0)
    problems.push(...taskQueueClashes(taskQueues({ temporal: temporal.values, roles: roles.values })));
  if (problems.length > 0) throw new ConfigError(problems);
  // The report reads the product's own logs unless it was told where else to look.
  if (env.REPORT_LOG_DIRS === undefined || env.REPORT_LOG_DIRS.trim() === '') {
    if (runtime.values.logFileDir !== undefined) report.values.logDirs = [runtime.values.logFileDir];
  }
  return {
    temporal: temporal.values,
    kafka: kafka.values,
    runtime: runtime.values,
    guardian: guardian.values,
    alerting: alerting.values,
    bridge: bridge.values,
    ingest: ingest.values,
    video: video.values,
    report: report.values,
    worker: worker.values,
    roles: roles.values,
    tracing: tracing.values,
  };
}

/**
 * Every secret this configuration holds, for scrubbing output: the values of settings marked
 * `secret`, and the password of any other URL setting written with one (an MLflow or service
 * URL with `user:password@`).
 */
export function configuredSecretValues(config: Config): string[] {
  const secrets: string[] = [];
  for (const [group, settings] of Object.entries(settingsOfConfig)) {
    const values = config[group as keyof Config] as Record<string, unknown>;
    for (const [key, spec] of Object.entries(settings)) {
      const value = values[key];
      if (typeof value !== 'string' || value === '') continue;
      if (spec.secret) secrets.push(value);
      else if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(value)) secrets.push(urlPassword(value));
    }
  }
  return secrets.filter(Boolean);
}

function urlPassword(value: string): string {
  try {
    return new URL(value).password;
  } catch {
    return '';
  }
}
