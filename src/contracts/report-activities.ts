/**
 * The activity boundary of the daily log report. The workflow imports these types only
 * (proxyActivities<ReportActivities>); createReportActivities(deps) implements them on the
 * file system and Kafka, and workflow tests replace them with recording fakes.
 */
import type { DailyReport, LogAggregate, LogChunk, ReportSources } from '../domain/log-analysis';

export interface ReportWindowInput {
  reportDate: string;
  timeZone: string;
  windowStartMs: number;
  windowEndMs: number;
}

/** The files of a day and how to split them across analysis activities. */
export interface ReportPlan {
  sources: ReportSources;
  chunks: LogChunk[];
  /** Analysis activities to run at once. */
  parallelism: number;
  /** Zone of zone-less text timestamps. */
  textTimeZone: string;
}

export interface AnalyseChunkInput {
  chunk: LogChunk;
  windowStartMs: number;
  windowEndMs: number;
  textTimeZone: string;
}

/** Heartbeat details of analyseLogChunk: where to resume and what was counted up to there. */
export interface ChunkProgress {
  chunkIndex: number;
  /** Segment being read. */
  segment: number;
  /** Byte position (decompressed, for .gz) of the next line of that segment. */
  position: number;
  aggregate: LogAggregate;
}

export interface WrittenReport {
  jsonPath: string;
  htmlPath: string;
  /** The short human summary. */
  summary: string;
}

/** The figures of a written report that its summary event and the workflow's result both carry. */
export interface ReportHeadlineFigures {
  reportDate: string;
  score: number;
  grade: string;
  totalErrors: number;
  criticalErrors: number;
  slowOperations: number;
  jsonPath: string;
  htmlPath: string;
}

export interface ReportSummaryEvent extends ReportHeadlineFigures {
  /** Stable per run, so a retried publish is recognisable downstream. */
  eventId: string;
  linesInWindow: number;
  summary: string;
}

export interface ReportAlert {
  /** Stable per run, so a retried alert keeps its id. */
  alertId: string;
  reportDate: string;
  title: string;
  message: string;
  /** ISO-8601, workflow time. */
  time: string;
}

/** ApplicationFailure type when the report cannot be written (permissions, not a directory). */
export const REPORT_OUTPUT_FAILURE = 'ReportOutputNotWritable';

export interface ReportActivities {
  /** Lists the log files of the configured directories and plans the chunks; unreadable directories become findings. */
  planDailyReport(input: ReportWindowInput): Promise<ReportPlan>;
  /** Streams the chunk's files into an aggregate, heartbeating progress so a retry resumes. */
  analyseLogChunk(input: AnalyseChunkInput): Promise<LogAggregate>;
  /** Writes daily_log_report_YYYYMMDD.json and .html to REPORT_OUTPUT_DIR. */
  writeDailyReport(report: DailyReport): Promise<WrittenReport>;
  /** The short summary to the reports topic. */
  publishReportSummary(event: ReportSummaryEvent): Promise<void>;
  /** An ALERT on system.alerts (a Poor grade). */
  raiseReportAlert(alert: ReportAlert): Promise<void>;
}
