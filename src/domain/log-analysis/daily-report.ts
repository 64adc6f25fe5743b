/**
 * The daily report document (written as daily_log_report_YYYYMMDD.json) built from the merged
 * aggregate of a day's logs: health, error analysis with the hourly timeline and top-10
 * messages, performance analysis with the top-20 slowest operations and per-component stats.
 */
import { HOURS, LogAggregate, MalformedSample, MessageCount, SourceProblem } from './aggregate';
import { ERROR_CLASS_LABELS, ERROR_CLASSES, ErrorClass } from './error-classes';
import { healthOf, Deduction, HealthGrade } from './health';
import { LogFormat, LogLevel } from './log-line';
import { findingsFor, recommendationsFor, topErrorClass } from './recommendations';
import type { ReportWindow } from './report-window';
import { CATEGORY_LABELS, OperationCategory, SLOW_THRESHOLD_SECONDS } from './slow-operations';
import { localTimeAt } from './zoned-time';

export const TOP_MESSAGES = 10;
const HOUR_MS = 3_600_000;

export interface LogFileInfo {
  path: string;
  bytes: number;
  compressed: boolean;
}

/** What the file listing found, for the report's sources section. */
export interface ReportSources {
  directories: string[];
  files: LogFileInfo[];
  /** Files last modified before the window started: they cannot hold lines of the day. */
  skippedOlderFiles: number;
  directoryProblems: SourceProblem[];
}

export interface HourBucket {
  /** ISO start of the hour. */
  start: string;
  /** Local HH:MM in the report zone. */
  label: string;
  lines: number;
  errors: number;
  critical: number;
}

export interface DailyReport {
  reportDate: string;
  timeZone: string;
  window: { start: string; end: string; rule: string };
  generatedAt: string;
  health: { score: number; grade: HealthGrade; deductions: Deduction[]; recommendations: string[] };
  findings: string[];
  totals: {
    linesRead: number;
    inWindow: number;
    beforeWindow: number;
    afterWindow: number;
    futureLines: number;
    /** Copies of records already counted from another file, not counted again (record-copies.ts). */
    copiedRecords: number;
    /** Records counted without looking for copies: more distinct records than one analysis keeps. */
    uncheckedRecords: number;
    blankLines: number;
    malformedLines: number;
    byLevel: Record<LogLevel, number>;
    byFormat: Record<LogFormat, number>;
    bytesRead: number;
  };
  errorAnalysis: {
    totalErrors: number;
    criticalErrors: number;
    unclassifiedErrors: number;
    byClass: Array<{ class: ErrorClass; label: string; count: number }>;
    topClass: string | null;
    hourlyTimeline: HourBucket[];
    topMessages: MessageCount[];
    /** Error lines whose message group was not tracked (see aggregate.ts). */
    messagesNotKept: number;
  };
  performanceAnalysis: {
    operations: number;
    slowOperations: number;
    thresholdsSeconds: Record<OperationCategory, number>;
    slowByCategory: Record<OperationCategory, number>;
    slowest: Array<{
      time: string;
      component: string;
      operation: string;
      category: string;
      seconds: number;
      thresholdSeconds: number;
      slow: boolean;
    }>;
    components: Array<{
      component: string;
      count: number;
      avgSeconds: number;
      maxSeconds: number;
      slowOperations: number;
    }>;
    /** Operations counted whose ` | …` metadata is not a JSON object. */
    unreadableMetadata: number;
  };
  malformed: { count: number; samples: MalformedSample[] };
  sources: {
    directories: string[];
    filesRead: number;
    filesSkippedAsOlder: number;
    files: LogFileInfo[];
    problems: SourceProblem[];
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Builds the report of one window from the merged aggregate of all its chunks. */
export function buildDailyReport(
  window: ReportWindow,
  agg: LogAggregate,
  sources: ReportSources,
  generatedAtMs: number,
): DailyReport {
  const hourLabel = (hour: number) => localTimeAt(window.startMs + hour * HOUR_MS, window.timeZone);
  const health = healthOf({
    errors: agg.errors,
    criticalErrors: agg.criticalErrors,
    slowOperations: agg.slowOperations,
  });
  const top = topErrorClass(agg);
  const hourlyTimeline: HourBucket[] = [];
  for (let h = 0; h < HOURS; h++) {
    hourlyTimeline.push({
      start: new Date(window.startMs + h * HOUR_MS).toISOString(),
      label: hourLabel(h),
      lines: agg.hourly.lines[h],
      errors: agg.hourly.errors[h],
      critical: agg.hourly.critical[h],
    });
  }
  const components = Object.entries(agg.components)
    .map(([component, s]) => ({
      component,
      count: s.count,
      avgSeconds: round3(s.totalSeconds / s.count),
      maxSeconds: round3(s.maxSeconds),
      slowOperations: s.slow,
    }))
    .sort(
      (a, b) =>
        b.slowOperations - a.slowOperations ||
        b.avgSeconds - a.avgSeconds ||
        a.component.localeCompare(b.component),
    );

  return {
    reportDate: window.reportDate,
    timeZone: window.timeZone,
    window: {
      start: new Date(window.startMs).toISOString(),
      end: new Date(window.endMs).toISOString(),
      rule: 'lines stamped at or after start and before end (start inclusive, end exclusive)',
    },
    generatedAt: new Date(generatedAtMs).toISOString(),
    health: { ...health, recommendations: recommendationsFor(agg, hourLabel) },
    findings: findingsFor(agg, sources.directoryProblems),
    totals: {
      linesRead: agg.lines,
      inWindow: agg.inWindow,
      beforeWindow: agg.beforeWindow,
      afterWindow: agg.afterWindow,
      futureLines: agg.futureLines,
      copiedRecords: agg.copiedRecords,
      uncheckedRecords: agg.uncheckedRecords,
      blankLines: agg.blankLines,
      malformedLines: agg.malformedLines,
      byLevel: agg.byLevel,
      byFormat: agg.byFormat,
      bytesRead: agg.bytesRead,
    },
    errorAnalysis: {
      totalErrors: agg.errors,
      criticalErrors: agg.criticalErrors,
      unclassifiedErrors: agg.unclassifiedErrors,
      byClass: ERROR_CLASSES.map((c) => ({
        class: c,
        label: ERROR_CLASS_LABELS[c],
        count: agg.errorClasses[c],
      })),
      topClass: top ? ERROR_CLASS_LABELS[top.errorClass] : null,
      hourlyTimeline,
      topMessages: agg.messages.slice(0, TOP_MESSAGES),
      messagesNotKept: agg.messagesNotKept,
    },
    performanceAnalysis: {
      operations: agg.operations,
      slowOperations: agg.slowOperations,
      thresholdsSeconds: { ...SLOW_THRESHOLD_SECONDS },
      slowByCategory: agg.slowByCategory,
      slowest: agg.slowest.map((op) => ({
        time: new Date(op.timeMs).toISOString(),
        component: op.component,
        operation: op.operation,
        category: CATEGORY_LABELS[op.category],
        seconds: op.seconds,
        thresholdSeconds: SLOW_THRESHOLD_SECONDS[op.category],
        slow: op.slow,
      })),
      components,
      unreadableMetadata: agg.unreadablePerfMetadata,
    },
    malformed: { count: agg.malformedLines, samples: agg.malformedSamples },
    sources: {
      directories: sources.directories,
      filesRead: sources.files.length,
      filesSkippedAsOlder: sources.skippedOlderFiles,
      files: sources.files,
      problems: [...sources.directoryProblems, ...agg.problems],
    },
  };
}
