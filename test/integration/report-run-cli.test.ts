import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  REFERENCE_EXPECTED as E,
  REFERENCE_LAYOUT_DIR,
  REFERENCE_REPORT_DATE,
} from '../fixtures/logs/reference-layout';

/** The real command line, as a person or a CI job runs it: no Temporal server anywhere. */
function reportRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', 'report', 'run', ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TIME_ZONE: 'UTC' }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('mlops-guardian report run', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-run-cli-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes the JSON and HTML report of a reference-layout folder and prints the JSON path last', async () => {
    const out = path.join(tmp, 'out');
    const run = await reportRun([
      '--date',
      REFERENCE_REPORT_DATE,
      '--logs',
      REFERENCE_LAYOUT_DIR,
      '--out',
      out,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    const jsonPath = lines[lines.length - 1];
    expect(jsonPath).toBe(path.join(out, 'daily_log_report_20240310.json'));
    expect(lines[0]).toBe('Daily log report 2024-03-10 (UTC): health 70/100, Fair');
    expect(fs.existsSync(path.join(out, 'daily_log_report_20240310.html'))).toBe(true);

    const report = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
    expect(report.health).toMatchObject({ score: E.score, grade: E.grade });
    expect(report.errorAnalysis).toMatchObject({
      totalErrors: E.totalErrors,
      criticalErrors: E.criticalErrors,
    });
    expect(report.performanceAnalysis).toMatchObject({
      operations: E.operations,
      slowOperations: E.slowOperations,
      unreadableMetadata: E.unreadableMetadata,
    });
    expect(report.totals.copiedRecords).toBe(E.copiedRecords);
  });

  it('reports the calendar day of --time-zone and reads zone-less stamps in it', async () => {
    const out = path.join(tmp, 'tokyo');
    // 2024-03-10 in Tokyo ends at 15:00 UTC; zone-less text stamps are read in Tokyo too, so
    // every line of the fixture (09:00-15:00 local) is still in the day: same counts.
    const run = await reportRun([
      '--date=2024-03-10',
      '--time-zone=Asia/Tokyo',
      `--logs=${REFERENCE_LAYOUT_DIR}`,
      `--out=${out}`,
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(run.stdout.trim().split('\n').pop()!, 'utf8'));
    expect(report.timeZone).toBe('Asia/Tokyo');
    expect(report.window.start).toBe('2024-03-09T15:00:00.000Z');
    expect(report.errorAnalysis.totalErrors).toBe(E.totalErrors);
  });

  it.each([
    [
      ['--date', '2024-02-30', '--logs', 'logs', '--out', 'out'],
      /--date '2024-02-30' is not a date: expected YYYY-MM-DD/,
    ],
    [
      ['--date', '2024-03-10', '--time-zone', 'Mars/Olympus', '--logs', 'logs', '--out', 'out'],
      /not an IANA time zone/,
    ],
    [['--date', '2999-01-01', '--logs', 'logs', '--out', 'out'], /2999-01-01 is in the future in UTC/],
    [['--date', '2024-03-10', '--out', 'out'], /--logs is required/],
    [['--date', '2024-03-10', '--logs', 'logs', '--out', 'out', 'extra'], /Unexpected argument 'extra'/],
  ])('refuses bad usage with status 2: %j', async (args, message) => {
    const run = await reportRun(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('fails clearly on a missing folder and on a file it cannot read, and writes nothing', async () => {
    const out = path.join(tmp, 'failed');
    const missing = path.join(tmp, 'no-such-folder');
    const gone = await reportRun(['--date', '2024-03-10', '--logs', missing, '--out', out]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`logs folder ${missing} does not exist\n`);

    const broken = path.join(tmp, 'broken');
    fs.mkdirSync(broken);
    const gz = gzipSync('[2024-03-10 10:00:00] ERROR api | Connection refused\n'.repeat(2000));
    fs.writeFileSync(path.join(broken, 'app.log.1.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const cut = await reportRun(['--date', '2024-03-10', '--logs', broken, '--out', out]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(
      new RegExp(
        `^cannot read ${path.join(broken, 'app.log.1.gz')}: (unexpected end of file|corrupt gzip data)`,
      ),
    );
    expect(cut.stderr).toMatch(/no report written/);
    expect(cut.stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });
});
