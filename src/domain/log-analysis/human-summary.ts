/** The short human summary of a report: for Kafka, the CLI, the HTML page and the README. */
import type { DailyReport } from './daily-report';

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** A few plain-text lines a person reads in ten seconds. */
export function humanSummary(report: DailyReport): string {
  const { health, totals, errorAnalysis: errors, performanceAnalysis: perf } = report;
  const lines = [
    `Daily log report ${report.reportDate} (${report.timeZone}): health ${health.score}/100, ${health.grade}`,
    `${plural(totals.inWindow, 'line')} in the window from ${plural(report.sources.filesRead, 'file')}; ` +
      `${plural(errors.totalErrors, 'error')} (${errors.criticalErrors} critical), ` +
      `${plural(perf.slowOperations, 'slow operation')} of ${perf.operations.toLocaleString('en-US')}`,
  ];
  if (errors.topClass) lines.push(`Top error class: ${errors.topClass}`);
  if (errors.topMessages[0])
    lines.push(`Most frequent error: "${errors.topMessages[0].message}" (${errors.topMessages[0].count}×)`);
  lines.push('Recommendations:', ...health.recommendations.map((r) => `  - ${r}`));
  if (report.findings.length > 0) lines.push('Findings:', ...report.findings.map((f) => `  - ${f}`));
  return lines.join('\n');
}
