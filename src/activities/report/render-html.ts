/**
 * The report as one self-contained HTML page: no scripts, no external assets, an inline SVG
 * chart of errors per hour. Every value from the logs is escaped.
 */
import type { DailyReport, HealthGrade, HourBucket } from '../../domain/log-analysis';

const GRADE_COLOURS: Record<HealthGrade, string> = {
  Excellent: '#1a7f37',
  Good: '#2f81f7',
  Fair: '#bf8700',
  Poor: '#cf222e',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const n = (value: number) => value.toLocaleString('en-US');

/** Errors (and the critical part of them) per hour as an inline SVG bar chart. */
export function errorsPerHourSvg(hours: HourBucket[]): string {
  const width = 760;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const top = 16;
  const plotHeight = height - bottom - top;
  const slot = (width - left - 10) / Math.max(1, hours.length);
  const max = Math.max(1, ...hours.map((h) => h.errors));
  const y = (v: number) => top + plotHeight - (v / max) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Errors per hour">`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="#888"/>`,
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end" font-size="11">${max}</text>`,
    `<text x="${left - 6}" y="${top + plotHeight}" text-anchor="end" font-size="11">0</text>`,
  ];
  hours.forEach((h, i) => {
    const x = left + i * slot + 2;
    const w = Math.max(1, slot - 4);
    const title = `${escapeHtml(h.label)}: ${h.errors} errors, ${h.critical} critical`;
    if (h.errors > 0) {
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(h.errors).toFixed(1)}" width="${w.toFixed(1)}" height="${(top + plotHeight - y(h.errors)).toFixed(1)}" fill="#f0883e"><title>${title}</title></rect>`,
      );
    }
    if (h.critical > 0) {
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(h.critical).toFixed(1)}" width="${w.toFixed(1)}" height="${(top + plotHeight - y(h.critical)).toFixed(1)}" fill="#cf222e"><title>${title}</title></rect>`,
      );
    }
    if (i % 3 === 0) {
      parts.push(
        `<text x="${(x + w / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="11">${escapeHtml(h.label)}</text>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  if (rows.length === 0) return '<p class="none">None.</p>';
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? n(c) : escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function list(items: string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/** The whole page for one report; `summary` is the short human summary. */
export function renderReportHtml(report: DailyReport, summary: string): string {
  const { health, totals, errorAnalysis: errors, performanceAnalysis: perf } = report;
  const colour = GRADE_COLOURS[health.grade];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Daily log report ${escapeHtml(report.reportDate)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #1f2328; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .sub { color: #59636e; margin-top: 0; }
.grade { display: inline-block; padding: .4rem .9rem; border-radius: .5rem; color: #fff; background: ${colour}; font-size: 1.4rem; font-weight: 600; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .6rem; margin: 1rem 0; }
.stat { border: 1px solid #d1d9e0; border-radius: .5rem; padding: .6rem; } .stat b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.2rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #d1d9e0; padding: .3rem .5rem; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: .8rem; border-radius: .5rem; white-space: pre-wrap; }
.none { color: #59636e; }
</style>
</head>
<body>
<h1>Daily log report ${escapeHtml(report.reportDate)}</h1>
<p class="sub">${escapeHtml(report.timeZone)} · window ${escapeHtml(report.window.start)} – ${escapeHtml(report.window.end)} (end exclusive) · generated ${escapeHtml(report.generatedAt)}</p>
<p><span class="grade">${escapeHtml(health.grade)} · ${health.score}/100</span></p>
<div class="stats">
<div class="stat"><b>${n(totals.inWindow)}</b>lines in window</div>
<div class="stat"><b>${n(errors.totalErrors)}</b>errors</div>
<div class="stat"><b>${n(errors.criticalErrors)}</b>critical errors</div>
<div class="stat"><b>${n(perf.slowOperations)}</b>slow operations of ${n(perf.operations)}</div>
<div class="stat"><b>${n(totals.malformedLines)}</b>malformed lines</div>
<div class="stat"><b>${n(report.sources.filesRead)}</b>files read</div>
</div>
<h2>Summary</h2>
<pre>${escapeHtml(summary)}</pre>
<h2>Recommendations</h2>
${list(health.recommendations)}
${report.findings.length > 0 ? `<h2>Findings</h2>\n${list(report.findings)}` : ''}
<h2>Score</h2>
${table(
  ['deduction', 'points'],
  health.deductions.map((d) => [d.reason, -d.points]),
)}
<h2>Errors per hour</h2>
${errorsPerHourSvg(errors.hourlyTimeline)}
<h2>Error classes</h2>
${table(['class', 'errors'], [...errors.byClass.map((c) => [c.label, c.count] as [string, number]), ['unclassified', errors.unclassifiedErrors]])}
<h2>Most frequent error messages</h2>
${table(
  ['message', 'count', 'example'],
  errors.topMessages.map((m) => [m.message, m.count, m.example]),
)}
<h2>Slowest operations</h2>
${table(
  ['time', 'component', 'operation', 'category', 'seconds', 'threshold', 'slow'],
  perf.slowest.map((o) => [
    o.time,
    o.component,
    o.operation,
    o.category,
    o.seconds,
    o.thresholdSeconds,
    o.slow ? 'yes' : 'no',
  ]),
)}
<h2>Components</h2>
${table(
  ['component', 'operations', 'avg s', 'max s', 'slow'],
  perf.components.map((c) => [c.component, c.count, c.avgSeconds, c.maxSeconds, c.slowOperations]),
)}
<h2>Malformed lines</h2>
${table(
  ['source', 'offset', 'reason', 'line'],
  report.malformed.samples.map((s) => [
    s.source,
    s.offset === undefined ? '' : String(s.offset),
    s.reason,
    s.text,
  ]),
)}
<h2>Sources</h2>
<p>${n(report.sources.filesRead)} files read from ${escapeHtml(report.sources.directories.join(', '))}; ${n(report.sources.filesSkippedAsOlder)} older files skipped; ${n(totals.bytesRead)} bytes of log text analysed.</p>
</body>
</html>
`;
}
