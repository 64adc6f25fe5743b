/**
 * The common text line read in place: `[YYYY-MM-DD HH:MM:SS(,mmm)] LEVEL component | message`
 * whose level is one that is never an error (TRACE, DEBUG, INFO, NOTICE, WARN, WARNING, as
 * written, upper case) and whose message is not a `PERF …` record. Such a line only counts
 * (its hour, level and copy key); it needs no LogRecord and no substring. Most lines of a day
 * are like that, and the strings parseTextLine cuts for them (level, component, message, a
 * record) were most of the parse.
 *
 * Reads a range of a block of lines without copying it. Anything else — another level, a PERF
 * line, a missing ` | `, a Unicode space where trimming stops, a malformed timestamp — is
 * declined and goes through parseTextLine, so the two paths cannot disagree on what a line
 * means: this one only answers for lines whose meaning it can read completely.
 */
import type { LocalTimestamps } from './local-timestamps';
import { BracketTimestamp } from './bracket-timestamp';
import type { LogLevel } from './log-line';

/** `c` is white space to String.prototype.trim (ECMAScript WhiteSpace and LineTerminator). */
function isTrimmedSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The non-error level a level word of `length` characters at `at` names, as written; else undefined. */
function routineLevel(text: string, at: number, length: number): LogLevel | undefined {
  const c0 = text.charCodeAt(at);
  switch (length) {
    case 4:
      if (text.startsWith('INFO', at)) return 'info';
      if (c0 === 87 /* W */ && text.startsWith('WARN', at)) return 'warn';
      return undefined;
    case 5:
      if (text.startsWith('DEBUG', at)) return 'debug';
      if (text.startsWith('TRACE', at)) return 'trace';
      return undefined;
    case 6:
      return text.startsWith('NOTICE', at) ? 'info' : undefined;
    case 7:
      return text.startsWith('WARNING', at) ? 'warn' : undefined;
    default:
      return undefined;
  }
}

/** One routine line, read into reused fields (one reader per analysis, one line at a time). */
export class RoutineTextLines {
  timeMs = 0;
  level: LogLevel = 'info';
  /** The component's range in the block; empty means `unknown`. */
  componentFrom = 0;
  componentTo = 0;
  /** The message's range in the block. */
  messageFrom = 0;
  messageTo = 0;

  private readonly stamp = new BracketTimestamp();

  constructor(private readonly zone: LocalTimestamps) {}

  /**
   * Reads `text[from, to)` (one line, no line break or trailing CR) into the fields when it is
   * a routine line (see the module comment); false leaves it to parseTextLine.
   */
  read(text: string, from: number, to: number): boolean {
    if (to - from < 23 || text.charCodeAt(from) !== 91 /* [ */) return false;
    const i = this.stamp.read(text, from, to);
    if (i < 0 || i + 2 > to || text.charCodeAt(i + 1) !== 32) return false;
    const levelStart = i + 2;
    const levelEnd = text.indexOf(' ', levelStart);
    if (levelEnd < 0 || levelEnd >= to) return false;
    const level = routineLevel(text, levelStart, levelEnd - levelStart);
    if (level === undefined) return false;

    const restStart = levelEnd + 1;
    const bar = text.indexOf(' | ', restStart);
    if (bar < 0 || bar + 3 > to) return false;
    let componentFrom = restStart;
    let componentTo = bar;
    while (componentFrom < componentTo && isTrimmedSpace(text.charCodeAt(componentFrom))) componentFrom++;
    while (componentTo > componentFrom && isTrimmedSpace(text.charCodeAt(componentTo - 1))) componentTo--;
    const messageFrom = bar + 3;
    let messageTo = to;
    while (messageTo > messageFrom && isTrimmedSpace(text.charCodeAt(messageTo - 1))) messageTo--;
    // A message that starts with `PERF ` is a performance record (or a malformed one).
    if (messageTo - messageFrom >= 5 && text.startsWith('PERF ', messageFrom)) return false;

    const { year, month, day, hour, minute, second, ms } = this.stamp;
    this.timeMs = this.zone.toInstant(year, month, day, hour, minute, second, ms);
    this.level = level;
    this.componentFrom = componentFrom;
    this.componentTo = componentTo;
    this.messageFrom = messageFrom;
    this.messageTo = messageTo;
    return true;
  }
}
