/**
 * What to do about what the report found. Recommendations follow from the README "Daily log report" issues —
 * high error rate, critical errors, performance, the top error class — each raised only when
 * its issue is present; findings are about the report's own input (unreadable sources,
 * malformed lines, copies of records, unreadable PERF metadata, clock skew), so a reader knows
 * how complete the numbers are.
 */
import type { LogAggregate } from './aggregate';
import { ERROR_CLASS_LABELS, ERROR_CLASSES, ErrorClass } from './error-classes';
import { CATEGORY_LABELS } from './slow-operations';

const CLASS_ADVICE: Readonly<Record<ErrorClass, string>> = {
  connection:
    'check that downstream services and databases are reachable and that connection pools fit the load',
  timeout: 'look at downstream latency and at the timeout settings of the callers',
  http_404: 'check routes, model names and the URLs clients call',
  http_500: "look at the failing service's exceptions and recent deployments",
  validation: "check the producers' payloads against the expected schemas",
  critical: 'treat the critical errors as incidents',
};

/** The error class with the most errors (ties: the README's order); undefined without classified errors. */
export function topErrorClass(agg: LogAggregate): { errorClass: ErrorClass; count: number } | undefined {
  let best: ErrorClass | undefined;
  for (const c of ERROR_CLASSES)
    if (agg.errorClasses[c] > 0 && (!best || agg.errorClasses[c] > agg.errorClasses[best])) best = c;
  return best ? { errorClass: best, count: agg.errorClasses[best] } : undefined;
}

function busiestHour(counts: number[]): number {
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i] > counts[best]) best = i;
  return best;
}

function seconds(s: number): string {
  return `${Number(s.toFixed(3))} s`;
}

/** Recommendations for the issues in an aggregate; `hourLabel(i)` names hour bucket i. */
export function recommendationsFor(agg: LogAggregate, hourLabel: (hour: number) => string): string[] {
  const out: string[] = [];
  if (agg.errors > 20) {
    const top = agg.messages[0];
    out.push(
      `High error rate: ${agg.errors} errors in 24 h.` +
        (top ? ` Start with the most frequent: "${top.message}" (${top.count} times).` : ''),
    );
  }
  if (agg.criticalErrors > 0) {
    const hour = busiestHour(agg.hourly.critical);
    out.push(
      `${agg.criticalErrors} critical error${agg.criticalErrors === 1 ? '' : 's'}: review ${agg.criticalErrors === 1 ? 'it' : 'them'} first` +
        ` (most at ${hourLabel(hour)}).`,
    );
  }
  if (agg.slowOperations > 10) {
    const worst = Object.entries(agg.components).sort(
      ([, a], [, b]) => b.slow - a.slow || b.maxSeconds - a.maxSeconds,
    )[0];
    const slowest = agg.slowest[0];
    out.push(
      `Performance: ${agg.slowOperations} slow operations.` +
        (worst
          ? ` ${worst[0]} has the most (${worst[1].slow}; avg ${seconds(worst[1].totalSeconds / worst[1].count)}, max ${seconds(worst[1].maxSeconds)}).`
          : '') +
        (slowest
          ? ` Slowest: ${slowest.component} "${slowest.operation}" took ${seconds(slowest.seconds)} (${CATEGORY_LABELS[slowest.category]}).`
          : ''),
    );
  }
  const top = topErrorClass(agg);
  if (top) {
    out.push(
      `Most errors are ${ERROR_CLASS_LABELS[top.errorClass]}s (${top.count}): ${CLASS_ADVICE[top.errorClass]}.`,
    );
  }
  if (out.length === 0) out.push('No issues found: keep monitoring.');
  return out;
}

function lineCount(n: number): string {
  return `${n} line${n === 1 ? '' : 's'}`;
}

/** Findings about the input of the report itself. */
export function findingsFor(
  agg: LogAggregate,
  directoryProblems: { source: string; problem: string }[],
): string[] {
  const out: string[] = [];
  for (const p of directoryProblems)
    out.push(`${p.source} could not be read (${p.problem}): its logs are missing from this report.`);
  for (const p of agg.problems) out.push(`${p.source} could not be read completely: ${p.problem}.`);
  if (agg.problemsNotKept > 0) out.push(`${agg.problemsNotKept} more sources could not be read.`);
  if (agg.malformedLines > 0) {
    out.push(
      `${agg.malformedLines} line${agg.malformedLines === 1 ? '' : 's'} could not be parsed (samples in the report).`,
    );
  }
  if (agg.copiedRecords > 0) {
    out.push(
      `Counted once: ${lineCount(agg.copiedRecords)} repeating a record already read from another file (one record written to several logs).`,
    );
  }
  if (agg.uncheckedRecords > 0) {
    out.push(
      `Not checked for copies in other files: ${lineCount(agg.uncheckedRecords)} (more distinct records in one chunk than are kept); copies of them may be counted twice.`,
    );
  }
  if (agg.unreadablePerfMetadata > 0) {
    out.push(
      `PERF metadata that is not a JSON object on ${lineCount(agg.unreadablePerfMetadata)}: the operations are counted, the metadata is ignored.`,
    );
  }
  if (agg.futureLines > 0) {
    out.push(
      `${agg.futureLines} line${agg.futureLines === 1 ? ' is' : 's are'} stamped later than the report ran: check the clocks (NTP) of the hosts that wrote them.`,
    );
  }
  return out;
}
