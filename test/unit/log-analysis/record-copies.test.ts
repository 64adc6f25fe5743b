import { LocalTimestamps } from '../../../src/domain/log-analysis/local-timestamps';
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
