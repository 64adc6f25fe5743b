/**
 * What the analysis of some log lines adds up to, as plain JSON: counts, the hourly
 * timeline, the most frequent error messages, the slowest operations and per-component
 * statistics. Aggregates of separate chunks merge into the aggregate of all of them, which is
 * how the workflow spreads a day of logs across activities.
 *
 * Everything merges exactly except the message list: each aggregate keeps its
 * MESSAGES_KEPT most frequent error messages, so a message that is rare in every chunk but
 * frequent overall could be under-counted. With fewer distinct error messages than that per
 * chunk (the normal case after normalisation) the top-10 is exact.
 */
import { ERROR_CLASSES, ErrorClass } from './error-classes';
import { LOG_LEVELS, LogFormat, LogLevel } from './log-line';
import { OperationCategory } from './slow-operations';

export const HOURS = 24;
export const MESSAGES_KEPT = 200;
export const SLOWEST_KEPT = 20;
export const MALFORMED_SAMPLES_KEPT = 10;
export const COMPONENTS_KEPT = 500;
export const PROBLEMS_KEPT = 100;
/** Components beyond COMPONENTS_KEPT are pooled under this name. */
export const OTHER_COMPONENTS = '(other components)';

export interface TimedOperation {
  timeMs: number;
  component: string;
  operation: string;
  category: OperationCategory;
  seconds: number;
  slow: boolean;
}

export interface ComponentStats {
  count: number;
  totalSeconds: number;
  maxSeconds: number;
  slow: number;
}

export interface MalformedSample {
  /** File (and byte offset of the line, when known). */
  source: string;
  offset?: number;
  reason: string;
  /** The line, cut to 200 characters. */
  text: string;
}

/** A problem reading a source (file or directory); reported, never fatal. */
export interface SourceProblem {
  source: string;
  problem: string;
}

export interface MessageCount {
  /** The normalised grouping key. */
  message: string;
  count: number;
  /** One original message of the group, for the reader. */
  example: string;
}

export interface LogAggregate {
  windowStartMs: number;
  windowEndMs: number;
  /** Non-blank lines read. */
  lines: number;
  blankLines: number;
  malformedLines: number;
  /** Well-formed lines stamped before the window start / at or after its end. */
  beforeWindow: number;
  afterWindow: number;
  /** Well-formed lines stamped later than the moment they were analysed: clock skew. */
  futureLines: number;
  inWindow: number;
  /** In-window lines that copy a record already counted from another file (record-copies.ts). */
  copiedRecords: number;
  /** In-window lines counted without that check: the analysis held as many keys as it may. */
  uncheckedRecords: number;
  byLevel: Record<LogLevel, number>;
  byFormat: Record<LogFormat, number>;
  errors: number;
  criticalErrors: number;
  unclassifiedErrors: number;
  errorClasses: Record<ErrorClass, number>;
  /** 24 hourly buckets from the window start. */
  hourly: { lines: number[]; errors: number[]; critical: number[] };
  /** Error messages, most frequent first, at most MESSAGES_KEPT. */
  messages: MessageCount[];
  /** Error lines whose message group did not make the kept list. */
  messagesNotKept: number;
  operations: number;
  slowOperations: number;
  slowByCategory: Record<OperationCategory, number>;
  /** The slowest operations (slow or not), slowest first, at most SLOWEST_KEPT. */
  slowest: TimedOperation[];
  components: Record<string, ComponentStats>;
  /** Operations whose ` | …` metadata is not a JSON object (they are counted all the same). */
  unreadablePerfMetadata: number;
  malformedSamples: MalformedSample[];
  /** At most PROBLEMS_KEPT; the rest are counted in problemsNotKept. */
  problems: SourceProblem[];
  problemsNotKept: number;
  bytesRead: number;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = 0;
  return out;
}

/** An aggregate of no lines for a window. */
export function emptyAggregate(windowStartMs: number, windowEndMs: number): LogAggregate {
  return {
    windowStartMs,
    windowEndMs,
    lines: 0,
    blankLines: 0,
    malformedLines: 0,
    beforeWindow: 0,
    afterWindow: 0,
    futureLines: 0,
    inWindow: 0,
    copiedRecords: 0,
    uncheckedRecords: 0,
    byLevel: zeros(LOG_LEVELS),
    byFormat: zeros(['json', 'text'] as const),
    errors: 0,
    criticalErrors: 0,
    unclassifiedErrors: 0,
    errorClasses: zeros(ERROR_CLASSES),
    hourly: {
      lines: new Array(HOURS).fill(0),
      errors: new Array(HOURS).fill(0),
      critical: new Array(HOURS).fill(0),
    },
    messages: [],
    messagesNotKept: 0,
    operations: 0,
    slowOperations: 0,
    slowByCategory: zeros(['database', 'api', 'data_processing', 'other'] as const),
    slowest: [],
    components: {},
    unreadablePerfMetadata: 0,
    malformedSamples: [],
    problems: [],
    problemsNotKept: 0,
    bytesRead: 0,
  };
}

/** Orders messages by count, then alphabetically, so equal counts rank the same everywhere. */
export function byFrequency(a: MessageCount, b: MessageCount): number {
  return b.count - a.count || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** Orders operations slowest first; ties by time, component and operation. */
export function bySlowness(a: TimedOperation, b: TimedOperation): number {
  return (
    b.seconds - a.seconds ||
    a.timeMs - b.timeMs ||
    a.component.localeCompare(b.component) ||
    a.operation.localeCompare(b.operation)
  );
}

function addRecords<K extends string>(a: Record<K, number>, b: Record<K, number>): Record<K, number> {
  const out = { ...a };
  for (const k of Object.keys(b) as K[]) out[k] = (out[k] ?? 0) + b[k];
  return out;
}

function addArrays(a: number[], b: number[]): number[] {
  return a.map((v, i) => v + (b[i] ?? 0));
}

/** Adds component statistics into `into`, pooling names beyond COMPONENTS_KEPT. */
export function addComponentStats(
  into: Record<string, ComponentStats>,
  name: string,
  stats: ComponentStats,
): void {
  let key = name;
  if (!(key in into) && Object.keys(into).length >= COMPONENTS_KEPT) key = OTHER_COMPONENTS;
  const current = into[key];
  if (!current) {
    into[key] = { ...stats };
    return;
  }
  current.count += stats.count;
  current.totalSeconds += stats.totalSeconds;
  current.maxSeconds = Math.max(current.maxSeconds, stats.maxSeconds);
  current.slow += stats.slow;
}

/** The aggregate of two disjoint sets of lines (chunk order: `a` before `b`). */
export function mergeAggregates(a: LogAggregate, b: LogAggregate): LogAggregate {
  if (a.windowStartMs !== b.windowStartMs || a.windowEndMs !== b.windowEndMs) {
    throw new RangeError('cannot merge aggregates of different report windows');
  }
  const messages = new Map<string, MessageCount>();
  for (const m of [...a.messages, ...b.messages]) {
    const seen = messages.get(m.message);
    if (seen) seen.count += m.count;
    else messages.set(m.message, { ...m });
  }
  const ranked = [...messages.values()].sort(byFrequency);
  const kept = ranked.slice(0, MESSAGES_KEPT);
  const dropped = ranked.slice(MESSAGES_KEPT).reduce((n, m) => n + m.count, 0);

  const components: Record<string, ComponentStats> = {};
  for (const [name, stats] of Object.entries(a.components)) addComponentStats(components, name, stats);
  for (const [name, stats] of Object.entries(b.components)) addComponentStats(components, name, stats);

  return {
    windowStartMs: a.windowStartMs,
    windowEndMs: a.windowEndMs,
    lines: a.lines + b.lines,
    blankLines: a.blankLines + b.blankLines,
    malformedLines: a.malformedLines + b.malformedLines,
    beforeWindow: a.beforeWindow + b.beforeWindow,
    afterWindow: a.afterWindow + b.afterWindow,
    futureLines: a.futureLines + b.futureLines,
    inWindow: a.inWindow + b.inWindow,
    // Aggregates of an activity from before these counters existed (a deploy mid-report) lack them.
    copiedRecords: (a.copiedRecords ?? 0) + (b.copiedRecords ?? 0),
    uncheckedRecords: (a.uncheckedRecords ?? 0) + (b.uncheckedRecords ?? 0),
    byLevel: addRecords(a.byLevel, b.byLevel),
    byFormat: addRecords(a.byFormat, b.byFormat),
    errors: a.errors + b.errors,
    criticalErrors: a.criticalErrors + b.criticalErrors,
    unclassifiedErrors: a.unclassifiedErrors + b.unclassifiedErrors,
    errorClasses: addRecords(a.errorClasses, b.errorClasses),
    hourly: {
      lines: addArrays(a.hourly.lines, b.hourly.lines),
      errors: addArrays(a.hourly.errors, b.hourly.errors),
      critical: addArrays(a.hourly.critical, b.hourly.critical),
    },
    messages: kept,
    messagesNotKept: a.messagesNotKept + b.messagesNotKept + dropped,
    operations: a.operations + b.operations,
    slowOperations: a.slowOperations + b.slowOperations,
    slowByCategory: addRecords(a.slowByCategory, b.slowByCategory),
    slowest: [...a.slowest, ...b.slowest].sort(bySlowness).slice(0, SLOWEST_KEPT),
    components,
    unreadablePerfMetadata: (a.unreadablePerfMetadata ?? 0) + (b.unreadablePerfMetadata ?? 0),
    malformedSamples: [...a.malformedSamples, ...b.malformedSamples].slice(0, MALFORMED_SAMPLES_KEPT),
    problems: [...a.problems, ...b.problems].slice(0, PROBLEMS_KEPT),
    problemsNotKept:
      a.problemsNotKept +
      b.problemsNotKept +
      Math.max(0, a.problems.length + b.problems.length - PROBLEMS_KEPT),
    bytesRead: a.bytesRead + b.bytesRead,
  };
}

/** Merges any number of aggregates of one window, in order. */
export function mergeAllAggregates(
  windowStartMs: number,
  windowEndMs: number,
  parts: LogAggregate[],
): LogAggregate {
  return parts.reduce(mergeAggregates, emptyAggregate(windowStartMs, windowEndMs));
}
