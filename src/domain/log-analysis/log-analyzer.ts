/**
 * Folds log lines, one at a time, into a LogAggregate for one report window. Lines are
 * attributed strictly by their own timestamp, in whatever order they arrive: [start, end)
 * is in the window, anything else is counted as before/after it. A line stamped later than
 * the analysis itself ran is counted as clock skew (futureLines) as well. An in-window text
 * line, or JSON error line naming its writer, that copies a record already counted from another
 * file is counted once (record-copies.ts).
 */
import {
  addComponentStats,
  byFrequency,
  ComponentStats,
  bySlowness,
  emptyAggregate,
  HOURS,
  LogAggregate,
  MALFORMED_SAMPLES_KEPT,
  MessageCount,
  MESSAGES_KEPT,
  PROBLEMS_KEPT,
  SLOWEST_KEPT,
  TimedOperation,
} from './aggregate';
import { classifyError, isErrorRecord } from './error-classes';
import { LocalTimestamps } from './local-timestamps';
import { isMalformed, LogFormat, LogLevel, LogRecord, PerfRecord } from './log-line';
import { normalizeMessage } from './normalize-message';
import { ownString } from './own-string';
import { parseLogLine } from './parse-line';
import { RecordCopies } from './record-copies';
import { RoutineJsonLines } from './routine-json-line';
import { RoutineTextLines } from './routine-text-line';
import { isSlow, operationCategory } from './slow-operations';

const HOUR_MS = 3_600_000;
/** Distinct error messages tracked while analysing; beyond it the rarest half is let go. */
const MESSAGES_TRACKED = 10_000;
const SAMPLE_CHARS = 200;

export interface AnalyzerOptions {
  windowStartMs: number;
  windowEndMs: number;
  /** When the analysis runs; lines stamped later are clock skew. */
  analysedAtMs: number;
  /** Zone of zone-less timestamps (text logs). */
  textTimeZone: string;
  /**
   * The records seen so far, when the analysis resumes: rebuilt by reading the lines before
   * the resume point again, since the keys are too many to heartbeat.
   */
  copies?: RecordCopies;
}

export class LogAnalyzer {
  private readonly agg: LogAggregate;
  private readonly messages = new Map<string, MessageCount>();
  /** The aggregate's own entries of components, by name (at most COMPONENTS_KEPT). */
  private readonly componentStats = new Map<string, ComponentStats>();
  private readonly zone: LocalTimestamps;
  private readonly routineText: RoutineTextLines;
  private readonly routineJson = new RoutineJsonLines();
  private readonly copies: RecordCopies;

  /** Starts empty, or from the aggregate of lines analysed before (resuming). */
  constructor(
    private readonly options: AnalyzerOptions,
    resumeFrom?: LogAggregate,
  ) {
    this.zone = new LocalTimestamps(options.textTimeZone);
    this.routineText = new RoutineTextLines(this.zone);
    this.copies = options.copies ?? new RecordCopies();
    const empty = emptyAggregate(options.windowStartMs, options.windowEndMs);
    // Spread over an empty one: a heartbeat written before a counter existed resumes at 0.
    this.agg = resumeFrom ? { ...empty, ...structuredClone(resumeFrom) } : empty;
    if (this.agg.windowStartMs !== options.windowStartMs || this.agg.windowEndMs !== options.windowEndMs) {
      throw new RangeError('the aggregate to resume from belongs to another report window');
    }
    for (const m of this.agg.messages) this.messages.set(m.message, { ...m });
    this.agg.messages = [];
  }

  /**
   * The line `block[from, to)` (without its line break) of a block of lines: addLine without
   * cutting the line out of the block when it is a routine text or JSON line
   * (routine-text-line.ts, routine-json-line.ts).
   */
  addLineOf(block: string, from: number, to: number, source: string, offset?: () => number): void {
    const end = to > from && block.charCodeAt(to - 1) === 13 ? to - 1 : to;
    const first = block.charCodeAt(from);
    if (first === 91 /* [ */ && this.routineText.read(block, from, end)) {
      const line = this.routineText;
      this.addRoutine(line.timeMs, line.level, 'text', block, source);
    } else if (first === 123 /* { */ && this.routineJson.read(block, from, end)) {
      const line = this.routineJson;
      this.addRoutine(line.timeMs, line.level, 'json', block, source);
    } else {
      this.addLine(block.slice(from, to), source, offset);
    }
  }

  /** What addLine does for a routine line, which is never an error or an operation. */
  private addRoutine(
    timeMs: number,
    level: LogLevel,
    format: LogFormat,
    block: string,
    source: string,
  ): void {
    const agg = this.agg;
    agg.lines++;
    const inWindow = timeMs >= agg.windowStartMs && timeMs < agg.windowEndMs;
    if (inWindow && format === 'text') {
      const check = this.copies.checkRoutine(this.routineText, block, source);
      if (check === 'copy') {
        agg.copiedRecords++;
        return;
      }
      if (check === 'unchecked') agg.uncheckedRecords++;
    }
    if (timeMs > this.options.analysedAtMs) agg.futureLines++;
    if (timeMs < agg.windowStartMs) {
      agg.beforeWindow++;
      return;
    }
    if (timeMs >= agg.windowEndMs) {
      agg.afterWindow++;
      return;
    }
    agg.inWindow++;
    agg.byLevel[level]++;
    agg.byFormat[format]++;
    agg.hourly.lines[Math.min(HOURS - 1, Math.floor((timeMs - agg.windowStartMs) / HOUR_MS))]++;
  }

  /**
   * One line without its line break; `source`/`offset` locate it in samples (the offset may
   * be a function: it is only worked out for the few lines that are sampled).
   */
  addLine(line: string, source: string, offset?: number | (() => number)): void {
    const agg = this.agg;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) {
      agg.blankLines++;
      return;
    }
    agg.lines++;
    const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    const parsed = parseLogLine(text, this.zone);
    if (isMalformed(parsed)) {
      this.addMalformed(parsed.malformed, text, source, offset);
      return;
    }
    const inWindow = parsed.timeMs >= agg.windowStartMs && parsed.timeMs < agg.windowEndMs;
    if (inWindow && (parsed.format === 'text' || (parsed.writer !== undefined && isErrorRecord(parsed)))) {
      const check = this.copies.check(parsed, source);
      if (check === 'copy') {
        agg.copiedRecords++;
        return;
      }
      if (check === 'unchecked') agg.uncheckedRecords++;
    }
    if (parsed.timeMs > this.options.analysedAtMs) agg.futureLines++;
    if (parsed.timeMs < agg.windowStartMs) {
      agg.beforeWindow++;
      return;
    }
    if (parsed.timeMs >= agg.windowEndMs) {
      agg.afterWindow++;
      return;
    }
    this.addInWindow(parsed);
  }

  /** A line too long to hold in memory: counted as malformed, never parsed. */
  addOversizedLine(maxBytes: number, source: string, offset: number): void {
    this.agg.lines++;
    this.addMalformed(`line longer than ${maxBytes} bytes`, '', source, offset);
  }

  private addMalformed(reason: string, text: string, source: string, offset?: number | (() => number)): void {
    const agg = this.agg;
    agg.malformedLines++;
    if (agg.malformedSamples.length >= MALFORMED_SAMPLES_KEPT) return;
    const at = typeof offset === 'function' ? offset() : offset;
    agg.malformedSamples.push({
      source: ownString(source),
      ...(at === undefined ? {} : { offset: at }),
      reason,
      text: ownString(text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text),
    });
  }

  private addInWindow(record: LogRecord): void {
    const agg = this.agg;
    agg.inWindow++;
    agg.byLevel[record.level]++;
    agg.byFormat[record.format]++;
    const hour = Math.min(HOURS - 1, Math.floor((record.timeMs - agg.windowStartMs) / HOUR_MS));
    agg.hourly.lines[hour]++;
    if (isErrorRecord(record)) {
      agg.errors++;
      agg.hourly.errors[hour]++;
      const classes = classifyError(record);
      if (classes.length === 0) agg.unclassifiedErrors++;
      for (const c of classes) agg.errorClasses[c]++;
      if (classes.includes('critical')) {
        agg.criticalErrors++;
        agg.hourly.critical[hour]++;
      }
      this.countMessage(record.message || '(no message)');
    }
    if (record.perf) this.addOperation(record.timeMs, record.perf);
  }

  private countMessage(message: string): void {
    const key = normalizeMessage(message);
    const seen = this.messages.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    if (this.messages.size >= MESSAGES_TRACKED) this.forgetRareMessages();
    const owned = ownString(key);
    this.messages.set(owned, {
      message: owned,
      count: 1,
      example: ownString(message.slice(0, SAMPLE_CHARS)),
    });
  }

  private forgetRareMessages(): void {
    const ranked = [...this.messages.values()].sort(byFrequency);
    for (const m of ranked.slice(MESSAGES_TRACKED / 2)) {
      this.agg.messagesNotKept += m.count;
      this.messages.delete(m.message);
    }
  }

  private addOperation(timeMs: number, perf: PerfRecord): void {
    const agg = this.agg;
    const category = operationCategory(perf.operation, perf.component);
    const slow = isSlow(category, perf.seconds);
    agg.operations++;
    if (perf.unreadableMetadata) agg.unreadablePerfMetadata++;
    if (slow) {
      agg.slowOperations++;
      agg.slowByCategory[category]++;
    }
    const stats = this.componentStats.get(perf.component);
    if (stats) {
      // What addComponentStats does to a component it holds, without a name lookup on the
      // aggregate object (each line's name is a new string to look up) or a stats object.
      stats.count += 1;
      stats.totalSeconds += perf.seconds;
      stats.maxSeconds = Math.max(stats.maxSeconds, perf.seconds);
      stats.slow += slow ? 1 : 0;
    } else {
      addComponentStats(agg.components, perf.component, {
        count: 1,
        totalSeconds: perf.seconds,
        maxSeconds: perf.seconds,
        slow: slow ? 1 : 0,
      });
      if (Object.hasOwn(agg.components, perf.component))
        this.componentStats.set(ownString(perf.component), agg.components[perf.component]);
    }
    const op: TimedOperation = {
      timeMs,
      component: perf.component,
      operation: perf.operation,
      category,
      seconds: perf.seconds,
      slow,
    };
    const list = agg.slowest;
    if (list.length < SLOWEST_KEPT || bySlowness(op, list[list.length - 1]) < 0) {
      op.component = ownString(op.component);
      op.operation = ownString(op.operation);
      list.push(op);
      list.sort(bySlowness);
      if (list.length > SLOWEST_KEPT) list.pop();
    }
  }

  /** A source that could not be read (completely or in part). */
  addProblem(source: string, problem: string): void {
    if (this.agg.problems.length < PROBLEMS_KEPT) this.agg.problems.push({ source, problem });
    else this.agg.problemsNotKept++;
  }

  /** Bytes consumed from sources (compressed size for .gz files). */
  addBytes(bytes: number): void {
    this.agg.bytesRead += bytes;
  }

  /** The aggregate so far, as plain JSON (the analyzer can go on afterwards). */
  snapshot(): LogAggregate {
    const ranked = [...this.messages.values()].sort(byFrequency);
    const notKept = ranked.slice(MESSAGES_KEPT).reduce((n, m) => n + m.count, 0);
    return {
      ...structuredClone(this.agg),
      messages: ranked.slice(0, MESSAGES_KEPT).map((m) => ({ ...m })),
      messagesNotKept: this.agg.messagesNotKept + notKept,
    };
  }
}
