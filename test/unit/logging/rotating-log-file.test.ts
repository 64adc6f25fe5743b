import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RotatingLogFile } from '../../../src/logging/rotating-log-file';

/** `n` numbered lines of exactly `bytes` bytes each (line break included). */
function numberedLines(n: number, bytes: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const head = `line ${String(i).padStart(5, '0')} `;
    return `${head}${'x'.repeat(bytes - head.length - 1)}\n`;
  });
}

function linesOf(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('a rotating log file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotating-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rotates before a line would pass the size limit and keeps only the newest files', () => {
    const file = new RotatingLogFile({ path: path.join(dir, 'app.log'), maxBytes: 1_000, keep: 3 });
    // 100-byte lines: 10 fill a file, so 55 lines make five full files and a half-full one.
    const lines = numberedLines(55, 100);
    for (const line of lines) file.write(line);
    file.close();

    expect(fs.readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2', 'app.log.3']);
    for (const name of ['app.log.1', 'app.log.2', 'app.log.3']) {
      expect(fs.statSync(path.join(dir, name)).size).toBe(1_000);
    }
    // Newest in app.log, older ones further up; the two oldest files were deleted.
    expect(linesOf(path.join(dir, 'app.log'))).toEqual(lines.slice(50).map((l) => l.trimEnd()));
    expect(linesOf(path.join(dir, 'app.log.1'))).toEqual(lines.slice(40, 50).map((l) => l.trimEnd()));
    expect(linesOf(path.join(dir, 'app.log.3'))).toEqual(lines.slice(20, 30).map((l) => l.trimEnd()));
  });

  it('goes on with the same files after a restart, never keeping more than it may', () => {
    const at = path.join(dir, 'app.log');
    const lines = numberedLines(40, 100);
    const first = new RotatingLogFile({ path: at, maxBytes: 1_000, keep: 2 });
    for (const line of lines.slice(0, 15)) first.write(line);
    first.close();
    // The restarted process appends to the half-full file before rotating it.
    const second = new RotatingLogFile({ path: at, maxBytes: 1_000, keep: 2 });
    for (const line of lines.slice(15)) second.write(line);
    second.close();

    expect(fs.readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    expect(linesOf(at)).toEqual(lines.slice(30).map((l) => l.trimEnd()));
    expect(linesOf(`${at}.2`)).toEqual(lines.slice(10, 20).map((l) => l.trimEnd()));
  });

  it('gives a line longer than the limit a file of its own', () => {
    const at = path.join(dir, 'app.log');
    const file = new RotatingLogFile({ path: at, maxBytes: 100, keep: 2 });
    file.write('short\n');
    file.write(`${'y'.repeat(250)}\n`);
    file.write('after\n');
    file.close();
    expect(fs.readFileSync(`${at}.2`, 'utf8')).toBe('short\n');
    expect(fs.statSync(`${at}.1`).size).toBe(251);
    expect(fs.readFileSync(at, 'utf8')).toBe('after\n');
  });

  it('never throws when the file cannot be written, says so, and writes again once it can', () => {
    const logDir = path.join(dir, 'logs');
    const problems: string[] = [];
    let now = 1_000_000;
    const file = new RotatingLogFile({
      path: path.join(logDir, 'app.log'),
      maxBytes: 200,
      keep: 2,
      onProblem: (message) => problems.push(message),
      now: () => now,
    });
    const lines = numberedLines(6, 100);
    file.write(lines[0]);
    file.write(lines[1]);
    // The directory disappears: the next rotation cannot rename the full file.
    fs.rmSync(logDir, { recursive: true, force: true });
    expect(() => file.write(lines[2])).not.toThrow();
    expect(() => file.write(lines[3])).not.toThrow();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/app\.log cannot be written \(ENOENT: .*standard output only/);

    now += 5_000;
    file.write(lines[4]);
    file.close();
    expect(problems[1]).toMatch(/app\.log is written again; 2 line\(s\) are on standard output only/);
    expect(linesOf(path.join(logDir, 'app.log'))).toEqual([lines[4].trimEnd()]);
  });

  it('refuses a size limit or a count that is not a positive integer', () => {
    const at = path.join(dir, 'app.log');
    expect(() => new RotatingLogFile({ path: at, maxBytes: 0, keep: 5 })).toThrow(/size limit/);
    expect(() => new RotatingLogFile({ path: at, maxBytes: 10, keep: 0 })).toThrow(/to keep/);
  });
});
