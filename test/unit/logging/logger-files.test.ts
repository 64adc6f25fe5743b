import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { LogFileError, logFileSettingsOf, openLogFiles } from '../../../src/logging/log-files';
import { createLogger } from '../../../src/logger';
import { loadConfig } from '../../../src/config';

function jsonLines(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the logger with LOG_FILE_DIR', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logger-files-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes every line to standard output and the log file, and errors once more to the error file', () => {
    const files = openLogFiles({ dir, name: 'mlops-guardian', maxBytes: 1 << 20, keep: 5 });
    const console: string[] = [];
    const stdout = new Writable({
      write(chunk, _enc, done) {
        console.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'debug', pretty: false, files }, stdout);
    logger.trace('below the level: nowhere');
    logger.debug('debug line');
    logger.child({ component: 'bridge' }).info({ password: 'hunter2' }, 'consumer started');
    logger.warn('slow broker');
    logger.error(
      { err: new Error('connect to postgres://app:s3cret@db/mlops failed') },
      'audit write failed',
    );
    logger.fatal('worker failed');
    files.close();

    const all = jsonLines(path.join(dir, 'mlops-guardian.log'));
    const errors = jsonLines(path.join(dir, 'mlops-guardian-errors.log'));
    expect(all.map((l) => l.msg)).toEqual([
      'debug line',
      'consumer started',
      'slow broker',
      'audit write failed',
      'worker failed',
    ]);
    expect(console.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(all.map((l) => l.msg));
    expect(errors).toEqual(all.filter((l) => l.level === 'error' || l.level === 'fatal'));
    // Every line says which process wrote it: the report tells copies from other processes' lines.
    expect(all[0]).toMatchObject({ pid: process.pid, hostname: os.hostname(), service: 'mlops-guardian' });
    const text = fs.readFileSync(path.join(dir, 'mlops-guardian.log'), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
  });

  it('is off unless LOG_FILE_DIR is set, with 10 MiB × 5 files by default', () => {
    expect(logFileSettingsOf(loadConfig({}).runtime, 'p')).toBeUndefined();
    expect(logFileSettingsOf(loadConfig({ LOG_FILE_DIR: dir }).runtime, 'p')).toEqual({
      dir,
      name: 'p',
      maxBytes: 10 * 1024 * 1024,
      keep: 5,
    });
    const sized = loadConfig({ LOG_FILE_DIR: dir, LOG_FILE_MAX_MB: '2', LOG_FILE_COUNT: '3' }).runtime;
    expect(logFileSettingsOf(sized, 'p')).toMatchObject({ maxBytes: 2 * 1024 * 1024, keep: 3 });
    expect(() => loadConfig({ LOG_FILE_COUNT: '0' })).toThrow(/LOG_FILE_COUNT="0" is invalid/);
  });

  it('points the daily report at LOG_FILE_DIR unless REPORT_LOG_DIRS says otherwise', () => {
    expect(loadConfig({}).report.logDirs).toEqual(['logs']);
    expect(loadConfig({ LOG_FILE_DIR: dir }).report.logDirs).toEqual([dir]);
    expect(loadConfig({ LOG_FILE_DIR: dir, REPORT_LOG_DIRS: '/srv/a,/srv/b' }).report.logDirs).toEqual([
      '/srv/a',
      '/srv/b',
    ]);
  });

  it('refuses, with the setting named, a LOG_FILE_DIR it cannot create', () => {
    const notADirectory = path.join(dir, 'a-file');
    fs.writeFileSync(notADirectory, '');
    expect(() => openLogFiles({ dir: notADirectory, name: 'p', maxBytes: 100, keep: 1 })).toThrow(
      LogFileError,
    );
    expect(() => openLogFiles({ dir: notADirectory, name: 'p', maxBytes: 100, keep: 1 })).toThrow(
      /LOG_FILE_DIR=".*a-file" cannot hold the log files \((ENOTDIR|EEXIST)/,
    );
  });
});
