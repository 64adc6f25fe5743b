import { LocalTimestamps } from '../../../src/domain/log-analysis/local-timestamps';
import { LogAnalyzer } from '../../../src/domain/log-analysis/log-analyzer';
import { RoutineTextLines } from '../../../src/domain/log-analysis/routine-text-line';

const WINDOW = { windowStartMs: Date.UTC(2024, 5, 12), windowEndMs: Date.UTC(2024, 5, 13) };
const analyzer = () =>
  new LogAnalyzer({ ...WINDOW, analysedAtMs: Date.UTC(2024, 5, 12, 12), textTimeZone: 'Europe/Berlin' });

/** Lines the in-place reader takes, and lines it must leave to parseTextLine. */
const ROUTINE = [
  '[2024-06-12 09:05:00] INFO api | request served',
  '[2024-06-12 09:05:00,123] WARNING scorer | slow response from upstream after 12 ms',
  '[2024-06-12T09:05:00.5] WARN x | y',
  '[2024-06-12 09:05:00.123456] DEBUG db | fraction longer than milliseconds',
  '[2024-06-12 09:05:00,] TRACE db | an empty fraction',
  '[2024-06-12 23:59:59] NOTICE a | message | with bars',
  '[2024-06-12 10:00:00] INFO   padded  |   kept leading spaces, trimmed trailing   \t',
  '[2024-06-12 10:00:00] INFO  | no component',
  '[2024-06-12 10:00:00] INFO api | ',
  '[2024-06-12 10:00:00] INFO api | PERF',
  '[2024-06-12 10:00:00] INFO api | grüße, 日本語 and an emoji 😀',
  '[2024-06-12 10:00:00] INFO api | ends in a CR\r',
  '[2024-06-12 09:05:00] INFO \u2003api | an em space is trimmed off the component',
  '[2024-06-12 09:05:00] INFO api | and an ideographic space off the message\u3000',
  '[2024-06-11 21:59:59] INFO api | before the window (Berlin)',
  '[2024-06-12 22:00:00] INFO api | after the window start',
  '[2024-06-13 00:00:00] INFO api | after the window',
  '[2024-06-12 23:30:00] INFO api | later than the analysis ran',
];
const DECLINED = [
  '[2024-06-12 09:05:00] ERROR api | Connection refused',
  '[2024-06-12 09:05:00] CRITICAL api | gone',
  '[2024-06-12 09:05:00] info api | lower-case level',
  '[2024-06-12 09:05:00] Warning api | mixed-case level',
  '[2024-06-12 09:05:00] PERF api | api call completed in 1.5s',
  '[2024-06-12 09:05:00] INFO api | PERF scorer | predict completed in 0.2s',
  '[2024-06-12 09:05:00] INFO api | PERF without a bar',
  '[2024-06-12 09:05:00] INFO no bar at all',
  '[2024-06-12 09:05:00] INFO',
  '[2024-06-12 09:05:00]  INFO two spaces before the level',
  '[2024-06-12 09:05:00] INFO\u00a0api | a no-break space ends the level',
  '[2024-06-12 09:05:00] INFO api\u00a0| x',
  '[2024-06-12 09:05:00 INFO api | no bracket',
  '[2024-13-12 09:05:00] INFO api | month 13',
  '[2024-06-12 24:05:00] INFO api | hour 24',
  '[2024-06-12 09:05:00]',
  '[2024-06-12',
  '{"level":30,"time":1718182800000,"msg":"json"}',
  'garbage without a timestamp',
];

describe('routine text lines read in place', () => {
  const reader = new RoutineTextLines(new LocalTimestamps('Europe/Berlin'));

  it.each(ROUTINE.map((l) => [l.replace(/\r$/, '')]))('takes %j', (line) => {
    const block = `x\n${line}\ny`;
    expect(reader.read(block, 2, 2 + line.length)).toBe(true);
  });

  it.each(DECLINED.map((l) => [l]))('leaves %j to the full parser', (line) => {
    const block = `${line}\n[2024-06-12 09:05:00] INFO api | the next line`;
    expect(reader.read(block, 0, line.length)).toBe(false);
  });

  it('reads the fields the full parser reads', () => {
    const spaced = '[2024-06-12 10:00:00] INFO \u2003api\t | x\u3000';
    expect(reader.read(spaced, 0, spaced.length)).toBe(true);
    expect(spaced.slice(reader.componentFrom, reader.componentTo)).toBe('api');
    expect(spaced.slice(reader.messageFrom, reader.messageTo)).toBe('x');

    const block = '[2024-06-12 10:00:00,250] WARNING  worker.pool  | slow  \r';
    expect(reader.read(block, 0, block.length - 1)).toBe(true);
    expect(reader.timeMs).toBe(Date.UTC(2024, 5, 12, 8, 0, 0, 250));
    expect(reader.level).toBe('warn');
    expect(block.slice(reader.componentFrom, reader.componentTo)).toBe('worker.pool');
    expect(block.slice(reader.messageFrom, reader.messageTo)).toBe('slow');
  });
});

describe('a block read in place counts what line-by-line parsing counts', () => {
  /** Every line of `lines`, from each file in turn, line by line and from one block. */
  function both(files: string[], lines: string[]) {
    const byLine = analyzer();
    const inPlace = analyzer();
    for (const file of files) {
      const block = lines.join('\n');
      let from = 0;
      for (const line of lines) {
        byLine.addLine(line, file, from);
        const at = from;
        inPlace.addLineOf(block, from, from + line.length, file, () => at);
        from += line.length + 1;
      }
    }
    return { byLine: byLine.snapshot(), inPlace: inPlace.snapshot() };
  }

  it('for routine, declined and malformed lines alike', () => {
    const { byLine, inPlace } = both(['a.log'], [...ROUTINE, ...DECLINED, '']);
    expect(inPlace).toEqual(byLine);
    expect(byLine.inWindow).toBeGreaterThan(10);
    expect(byLine.malformedLines).toBeGreaterThan(5);
  });

  it('for copies of routine lines in other files, and repeats within one', () => {
    const lines = [...ROUTINE, ROUTINE[0], ROUTINE[1], ROUTINE[0]];
    const { byLine, inPlace } = both(['app.log', 'api.log', 'app.log.1'], lines);
    expect(inPlace).toEqual(byLine);
    expect(byLine.copiedRecords).toBeGreaterThan(20);
  });

  it('gives a routine line the key its record has, so a copy read by the full parser is known', () => {
    // Lower-case levels are left to parseTextLine; the record is the same.
    const routine = ['[2024-06-12 10:00:00] INFO  | same', '[2024-06-12 10:00:00] WARNING api | same\u3000'];
    const declined = ['[2024-06-12 10:00:00] info unknown | same', '[2024-06-12 10:00:00] warn api | same'];
    for (const [first, second] of [
      [routine, declined],
      [declined, routine],
    ]) {
      const inPlace = analyzer();
      for (const [file, lines] of [
        ['one.log', first],
        ['two.log', second],
      ] as const) {
        const block = lines.join('\n');
        let from = 0;
        for (const line of lines) {
          inPlace.addLineOf(block, from, from + line.length, file);
          from += line.length + 1;
        }
      }
      expect(inPlace.snapshot()).toMatchObject({ inWindow: 2, copiedRecords: 2 });
    }
  });

  it('tells a routine line apart from its copy with another level word or padding', () => {
    const lines = [
      '[2024-06-12 10:00:00] WARN api | same',
      '[2024-06-12 10:00:00] WARNING api | same',
      '[2024-06-12 10:00:00] WARNING  api  | same  ',
      '[2024-06-12 10:00:00] INFO api | same',
      '[2024-06-12 10:00:00] INFO  | same',
      '[2024-06-12 10:00:00] INFO unknown | same',
    ];
    const { byLine, inPlace } = both(['one.log', 'two.log'], lines);
    expect(inPlace).toEqual(byLine);
    // WARN/WARNING and padding name one key, an empty component is `unknown`: in one file
    // repeats are records of their own, in the other file all six are copies.
    expect(byLine.inWindow).toBe(6);
    expect(byLine.copiedRecords).toBe(6);
  });

  it('for every one-character change of routine lines', () => {
    const replacements = ['[', ']', ' ', '|', '-', ':', ',', '0', '9', 'X', '\r', '\t', '\u00a0', '\u3000'];
    const lines: string[] = [];
    for (const line of ROUTINE.slice(0, 7)) {
      for (let i = 0; i < line.length; i++) {
        lines.push(line.slice(0, i) + line.slice(i + 1));
        lines.push(line.slice(0, i) + line[i] + line.slice(i));
        for (const r of replacements) lines.push(line.slice(0, i) + r + line.slice(i + 1));
      }
    }
    const { byLine, inPlace } = both(['a.log', 'b.log'], lines);
    expect(inPlace).toEqual(byLine);
    expect(byLine.malformedLines).toBeGreaterThan(500);
    expect(byLine.inWindow).toBeGreaterThan(1000);
  });
});
