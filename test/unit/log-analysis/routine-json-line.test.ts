import { LogAnalyzer } from '../../../src/domain/log-analysis/log-analyzer';
import { RoutineJsonLines } from '../../../src/domain/log-analysis/routine-json-line';

const WINDOW = { windowStartMs: Date.UTC(2024, 5, 12), windowEndMs: Date.UTC(2024, 5, 13) };
const analyzer = () =>
  new LogAnalyzer({ ...WINDOW, analysedAtMs: Date.UTC(2024, 5, 12, 12), textTimeZone: 'UTC' });
const T = Date.UTC(2024, 5, 12, 9);

const ROUTINE = [
  `{"level":30,"time":${T},"pid":4242,"hostname":"worker-1","component":"db","msg":"batch accepted"}`,
  `{"time":${T},"msg":"no level is info"}`,
  `{ "level" : 40 , "time" : ${T} , "msg" :\t"spaces and a tab between tokens" }  `,
  `{"level":20,"time":${T}.5,"msg":"a fraction of a millisecond"}`,
  `{"level":10,"time":1.7182026e12,"msg":"an exponent"}`,
  `{"level":30,"time":${T},"msg":"escapes elsewhere","detail":"a \\"quoted\\" \\u00e9 \\\\ \\n"}`,
  `{"level":30,"time":${T},"msg":"grüße 日本語 😀","ok":true,"no":false,"none":null,"n":-0.5e-3}`,
  `{"level":30,"time":${T},"msg":42,"message":"msg is not a string: message counts"}`,
  `{"level":30,"time":${T},"msg":"PERF"}`,
  `{"level":49.9,"time":${T},"msg":"just below error"}`,
  `{"level":30,"time":${T - 3_600_000 * 10},"msg":"before the window"}`,
  `{"level":30,"time":${WINDOW.windowEndMs},"msg":"after the window"}`,
  `{"level":30,"time":${T + 3_600_000 * 6},"msg":"later than the analysis ran"}`,
  `{"level":30,"time":${T},"msg":"ends in a CR"}\r`,
  `{"level":30,"time":1234567890123456789,"msg":"a time of more than 15 digits"}`,
];
const DECLINED = [
  `{"level":50,"time":${T},"msg":"Connection refused"}`,
  `{"level":60,"time":${T},"msg":"fatal"}`,
  `{"level":1e400,"time":${T},"msg":"an infinite level is critical"}`,
  `{"level":"info","time":${T},"msg":"a level word"}`,
  `{"level":30,"time":"2024-06-12T09:00:00Z","msg":"a time string"}`,
  `{"level":30,"timestamp":${T},"msg":"timestamp instead of time"}`,
  `{"level":30,"time":null,"ts":${T},"msg":"a null time"}`,
  `{"level":30,"time":1e400,"msg":"an infinite time"}`,
  `{"level":30,"time":${T},"msg":"PERF api | call completed in 1.5s"}`,
  `{"level":30,"time":${T},"msg":"PERF without a bar"}`,
  `{"level":30,"time":${T},"msg":7,"message":"PERF api | call completed in 2s"}`,
  `{"level":30,"time":${T},"msg":"\\u0050ERF api | escaped completed in 2s"}`,
  `{"level":30,"time":${T},"operation":"query","durationMs":2500,"msg":"operation finished"}`,
  `{"level":30,"time":${T},"time":${T + 1},"msg":"time twice"}`,
  `{"level":30,"time":${T},"err":{"code":"ECONNREFUSED"},"msg":"nested"}`,
  `{"level":30,"time":${T},"tags":["a"],"msg":"an array"}`,
  `{"lev\\u0065l":50,"time":${T},"msg":"an escaped key"}`,
  // Not JSON at all: JSON.parse refuses these, so they are malformed.
  '{"level":30,"time":',
  `{"level":30,"time":${T},"msg":"no closing brace"`,
  `{"level":30,"time":${T},"msg":"trailing comma",}`,
  `{"level":30,"time":0${T},"msg":"a leading zero"}`,
  `{"level":30,"time":${T}.,"msg":"a bare point"}`,
  `{"level":30,"time":${T}e,"msg":"a bare exponent"}`,
  `{"level":30,"time":-,"msg":"a bare minus"}`,
  `{"level":30,"time":${T},"msg":"a raw\ttab in a string"}`,
  `{"level":30,"time":${T},"msg":"a bad escape \\x41"}`,
  `{"level":30,"time":${T},"msg":"a short unicode escape \\u12"}`,
  `{"level":30,"time":${T},"msg":"garbage after"} x`,
  `{"level":30,"time":${T},"msg":"two objects"}{}`,
  `{"level":30,"time":${T},"ok":tru,"msg":"a bad literal"}`,
  `{"level":30,"time":${T},"ok":truex,"msg":"a glued literal"}`,
  `{"level":30 "time":${T},"msg":"a missing comma"}`,
  `{"level":30,"time"${T},"msg":"a missing colon"}`,
  `{level:30,"time":${T},"msg":"an unquoted key"}`,
  `{'level':30,"time":${T},"msg":"single quotes"}`,
  '{}',
  '{"msg":"no time"}',
];

describe('routine JSON lines read in place', () => {
  const reader = new RoutineJsonLines();

  it.each(ROUTINE.map((l) => [l.replace(/\r$/, '')]))('takes %s', (line) => {
    const block = `x\n${line}\ny`;
    expect(reader.read(block, 2, 2 + line.length)).toBe(true);
  });

  it.each(DECLINED.map((l) => [l]))('leaves %s to JSON.parse', (line) => {
    // The next line would complete a line cut short: the reader must stop at the line's end.
    const block = `${line}\n1,"x":"y"} "}\n`;
    expect(reader.read(block, 0, line.length)).toBe(false);
  });

  it('looks at each new block afresh for characters a string may not hold raw', () => {
    const plain = `{"time":${T},"msg":"plain"}`;
    const tabbed = `{"time":${T},"msg":"a raw\ttab"}`;
    expect(reader.read(`${plain}\n`, 0, plain.length)).toBe(true);
    expect(reader.read(`${tabbed}\n`, 0, tabbed.length)).toBe(false);
  });

  it('reads the time and level JSON.parse reads', () => {
    const line = `{"level":40,"time":${T}.25,"msg":"m"}`;
    expect(reader.read(line, 0, line.length)).toBe(true);
    expect(reader.timeMs).toBe(T + 0.25);
    expect(reader.level).toBe('warn');
  });

  it('finds the end of a string after a backslash earlier in the block', () => {
    const block = `{"time":${T},"a":"\\\\"}\n{"time":${T},"msg":"x","b":"\\"y"}\n{"time":${T},"msg":"z"}`;
    const [one, two, three] = block.split('\n');
    expect(reader.read(block, 0, one.length)).toBe(true);
    expect(reader.read(block, one.length + 1, one.length + 1 + two.length)).toBe(true);
    const from = one.length + two.length + 2;
    expect(reader.read(block, from, from + three.length)).toBe(true);
  });
});

/** Every line of `lines` fed line by line and from one block of lines; both snapshots. */
function both(lines: string[], eol = '\n') {
  const byLine = analyzer();
  const inPlace = analyzer();
  const block = lines.join(eol);
  let from = 0;
  for (const raw of lines) {
    const line = eol === '\r\n' ? `${raw}\r` : raw;
    byLine.addLine(line, 'a.log', from);
    const at = from;
    inPlace.addLineOf(block, from, from + line.length, 'a.log', () => at);
    from += raw.length + eol.length;
  }
  return { byLine: byLine.snapshot(), inPlace: inPlace.snapshot() };
}

describe('a block of JSON lines read in place counts what JSON.parse counts', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('for routine, declined and malformed lines (%s)', (_, eol) => {
    const { byLine, inPlace } = both([...ROUTINE, ...DECLINED], eol);
    expect(inPlace).toEqual(byLine);
    expect(byLine.malformedLines).toBeGreaterThan(20);
    expect(byLine.operations).toBe(4);
  });

  it('for every one-character change of routine lines', () => {
    // Deleting, doubling or replacing one character makes valid and invalid JSON of every
    // kind; both paths must agree on each.
    const replacements = ['"', '\\', '{', '}', ',', ':', ' ', '\t', '0', '-', 'e', '.', 'x', '\u0001'];
    const lines: string[] = [];
    for (const line of ROUTINE.slice(0, 8)) {
      for (let i = 0; i < line.length; i++) {
        lines.push(line.slice(0, i) + line.slice(i + 1));
        lines.push(line.slice(0, i) + line[i] + line.slice(i));
        for (const r of replacements) lines.push(line.slice(0, i) + r + line.slice(i + 1));
      }
    }
    const { byLine, inPlace } = both(lines);
    expect(inPlace).toEqual(byLine);
    expect(byLine.malformedLines).toBeGreaterThan(1000);
    expect(byLine.inWindow).toBeGreaterThan(1000);
  });
});
