import { LocalTimestamps } from '../../../src/domain/log-analysis/local-timestamps';
import { LogAnalyzer } from '../../../src/domain/log-analysis/log-analyzer';
import { isMalformed, LogRecord } from '../../../src/domain/log-analysis/log-line';
import { parseLogLine } from '../../../src/domain/log-analysis/parse-line';
import { CopyCheck, RecordCopies } from '../../../src/domain/log-analysis/record-copies';

const utc = new LocalTimestamps('UTC');
function rec(line: string): LogRecord {
  const parsed = parseLogLine(line, utc);
  if (isMalformed(parsed)) throw new Error(parsed.malformed);
  return parsed;
}

const A = '[2024-03-10 09:05:00] ERROR api | Connection refused to db:5432';
const B = '[2024-03-10 09:05:00] ERROR api | Query timeout';

/** The verdicts for (line, file) pairs read in order. */
function verdicts(reads: Array<[string, string]>, keysKept?: number): CopyCheck[] {
  const copies = new RecordCopies(keysKept);
  return reads.map(([line, file]) => copies.check(rec(line), file));
}

describe('copies of a record in several files', () => {
  it.each<[string, Array<[string, string]>, CopyCheck[]]>([
    [
      'the same line in three files is one record',
      [
        [A, 'app.log'],
        [A, 'api.log'],
        [A, 'error.log'],
      ],
      ['new', 'copy', 'copy'],
    ],
    [
      'the same line twice in one file is two records',
      [
        [A, 'app.log'],
        [A, 'app.log'],
      ],
      ['new', 'new'],
    ],
    [
      'two records in one second and their copies count as two',
      [
        [A, 'app.log'],
        [A, 'app.log'],
        [A, 'error.log'],
        [A, 'error.log'],
      ],
      ['new', 'new', 'copy', 'copy'],
    ],
    [
      'a later file holding the line more often adds the difference',
      [
        [A, 'a.log'],
        [A, 'b.log'],
        [A, 'b.log'],
      ],
      ['new', 'copy', 'new'],
    ],
    [
      'different messages in the same second are different records',
      [
        [A, 'app.log'],
        [B, 'error.log'],
      ],
      ['new', 'new'],
    ],
    [
      'a different logger, level or second makes another record',
      [
        [A, 'app.log'],
        [A.replace('api', 'web'), 'x.log'],
        [A.replace('ERROR', 'CRITICAL'), 'y.log'],
        [A.replace('09:05:00', '09:05:01'), 'z.log'],
      ],
      ['new', 'new', 'new', 'new'],
    ],
    [
      'PERF metadata is part of the message',
      [
        ['[2024-03-10 09:00:00] PERF p | q completed in 1.000s | {"rows": 1}', 'a.log'],
        ['[2024-03-10 09:00:00] PERF p | q completed in 1.000s | {"rows": 2}', 'b.log'],
      ],
      ['new', 'new'],
    ],
  ])('%s', (_, reads, expected) => {
    expect(verdicts(reads)).toEqual(expected);
  });

  it('past its key limit it counts new records unchecked, and still knows the keys it kept', () => {
    expect(
      verdicts(
        [
          [A, 'app.log'],
          [B, 'app.log'],
          [B, 'error.log'],
          [A, 'error.log'],
        ],
        1,
      ),
    ).toEqual(['new', 'unchecked', 'unchecked', 'copy']);
  });
});

describe('copies of a pino JSON record', () => {
  const WINDOW = { start: Date.parse('2024-03-10T00:00:00Z'), end: Date.parse('2024-03-11T00:00:00Z') };
  const json = (fields: Record<string, unknown>) =>
    JSON.stringify({
      level: 'error',
      time: '2024-03-10T09:05:00.123Z',
      service: 'mlops-guardian',
      component: 'bridge',
      msg: 'Kafka consumer crashed',
      ...fields,
    });

  /** Errors and copies the analyzer counts for (line, file) pairs read in order. */
  function counted(reads: Array<[string, string]>) {
    const analyzer = new LogAnalyzer({
      windowStartMs: WINDOW.start,
      windowEndMs: WINDOW.end,
      analysedAtMs: WINDOW.end,
      textTimeZone: 'UTC',
    });
    for (const [line, file] of reads) analyzer.addLine(line, file);
    const agg = analyzer.snapshot();
    return { errors: agg.errors, copies: agg.copiedRecords };
  }

  it.each<[string, Array<[string, string]>, { errors: number; copies: number }]>([
    [
      'one process writing a record to its log and its error log is one record',
      [
        [json({ pid: 7, hostname: 'a' }), 'mlops-guardian-errors.log'],
        [json({ pid: 7, hostname: 'a' }), 'mlops-guardian.log'],
      ],
      { errors: 1, copies: 1 },
    ],
    [
      'the same message from two processes in the same millisecond is two records',
      [
        [json({ pid: 7, hostname: 'a' }), 'worker-a.log'],
        [json({ pid: 8, hostname: 'a' }), 'worker-b.log'],
        [json({ pid: 7, hostname: 'b' }), 'worker-c.log'],
      ],
      { errors: 3, copies: 0 },
    ],
    [
      'lines that name no process are never taken for copies',
      [
        [json({}), 'replica-1.log'],
        [json({}), 'replica-2.log'],
      ],
      { errors: 2, copies: 0 },
    ],
    [
      'two records of one millisecond that rotation put in two files are two records',
      [
        [json({ pid: 7, seq: 2 }), 'errors.log'],
        [json({ pid: 7, seq: 1 }), 'errors.log.1'],
        [json({ pid: 7, seq: 2 }), 'app.log'],
        [json({ pid: 7, seq: 1 }), 'app.log.1'],
      ],
      { errors: 2, copies: 2 },
    ],
    [
      'lines below error are never taken for copies (an error log holds none)',
      [
        [json({ pid: 7, level: 'info' }), 'app.log.1'],
        [json({ pid: 7, level: 'info' }), 'app.log'],
      ],
      { errors: 0, copies: 0 },
    ],
    [
      'a record logged twice in one millisecond, and copied, counts twice',
      [
        [json({ pid: 7 }), 'errors.log'],
        [json({ pid: 7 }), 'errors.log'],
        [json({ pid: 7 }), 'app.log'],
        [json({ pid: 7 }), 'app.log'],
      ],
      { errors: 2, copies: 2 },
    ],
  ])('%s', (_, reads, expected) => {
    expect(counted(reads)).toEqual(expected);
  });
});
