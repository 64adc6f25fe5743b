/**
 * The common JSON line read in place: a flat pino object with a numeric `time`, a numeric
 * `level` below 50 (or none) and a message that is not a `PERF …` record, without an
 * `operation`. Such a line only counts (its hour and level); JSON.parse would build an object
 * of every field for nothing, and that was most of a JSON line's cost.
 *
 * The scan checks the whole line against the JSON grammar, so a line is never taken for
 * well-formed when JSON.parse would refuse it. It takes only a strict subset, though: nested
 * objects or arrays, a key written with escapes, a repeated key that matters, a string level,
 * an `operation` — anything out of the ordinary is declined and goes through parseJsonLine,
 * which decides what the line means (and whether it is malformed).
 */
import { levelFromNumber, LogLevel } from './log-line';

const QUOTE = 34;
/**
 * A character no JSON string may hold raw, inside a line: control characters except the line
 * break, and a CR that does not end a line (a CR before a line break is not part of the line).
 */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_LINE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f]|\r(?!\n)/;
const BACKSLASH = 92;

/** The fields that decide whether a line is routine; each may appear once. */
const enum Field {
  Time = 1,
  Level = 2,
  Msg = 4,
  Message = 8,
  /** `timestamp`, `ts`, `operation`, `durationMs`: never routine when `time` is read in place. */
  Other = 16,
}

/** Which field a plain key (no escapes) at `text[from, to)` names, 0 for one that does not matter. */
function fieldOf(text: string, from: number, to: number): number {
  switch (to - from) {
    case 2:
      return text.startsWith('ts', from) ? Field.Other : 0;
    case 3:
      return text.startsWith('msg', from) ? Field.Msg : 0;
    case 4:
      return text.startsWith('time', from) ? Field.Time : 0;
    case 5:
      return text.startsWith('level', from) ? Field.Level : 0;
    case 7:
      return text.startsWith('message', from) ? Field.Message : 0;
    case 9:
      return text.startsWith('timestamp', from) || text.startsWith('operation', from) ? Field.Other : 0;
    case 10:
      return text.startsWith('durationMs', from) ? Field.Other : 0;
    default:
      return 0;
  }
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** One routine line, read into reused fields (one reader per analysis, one line at a time). */
export class RoutineJsonLines {
  timeMs = 0;
  level: LogLevel = 'info';

  // Scan state: where the last string or number ended, whether the string had escapes.
  private end = 0;
  private escaped = false;
  // The block of lines being read, whether its lines hold no control character (so a string
  // ends at the next quote unless a backslash comes first), and where its next backslash is.
  private block = '';
  private plainBlock = false;
  private nextBackslash = -1;

  /**
   * Reads `text[from, to)` (one line starting with `{`, no line break or trailing CR) into the
   * fields when it is a routine line (see the module comment); false leaves it to parseJsonLine.
   */
  read(text: string, from: number, to: number): boolean {
    if (text.charCodeAt(from) !== 123 /* { */) return false;
    if (text !== this.block) {
      this.block = text;
      this.plainBlock = !CONTROL_IN_LINE.test(text);
      this.nextBackslash = text.indexOf('\\');
    }
    let seen = 0;
    let timeMs = Number.NaN;
    let levelNumber = Number.NaN;
    let msgFrom = -1;
    let msgTo = -1;
    let msgIsString = false;
    let messageFrom = -1;
    let messageTo = -1;
    let messageIsString = false;

    let i = this.skipSpace(text, from + 1, to);
    if (i < to && text.charCodeAt(i) === 125 /* } */) {
      i++;
    } else {
      for (;;) {
        if (i >= to || text.charCodeAt(i) !== QUOTE) return false;
        if (!this.scanString(text, i, to) || this.escaped) return false;
        const field = fieldOf(text, i + 1, this.end - 1);
        if (field !== 0) {
          if ((seen & field) !== 0) return false;
          seen |= field;
        }
        i = this.skipSpace(text, this.end, to);
        if (i >= to || text.charCodeAt(i) !== 58 /* : */) return false;
        i = this.skipSpace(text, i + 1, to);
        if (i >= to) return false;
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          if (!this.scanString(text, i, to)) return false;
          if (field === Field.Msg) {
            if (this.escaped) return false;
            msgFrom = i + 1;
            msgTo = this.end - 1;
            msgIsString = true;
          } else if (field === Field.Message) {
            if (this.escaped) return false;
            messageFrom = i + 1;
            messageTo = this.end - 1;
            messageIsString = true;
          } else if (field === Field.Time || field === Field.Level) {
            return false;
          }
        } else if (c === 45 /* - */ || isDigit(c)) {
          const value = this.scanNumber(text, i, to);
          if (Number.isNaN(value)) return false;
          if (field === Field.Time) timeMs = value;
          else if (field === Field.Level) levelNumber = value;
        } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
          if (field === Field.Time || field === Field.Level) return false;
          this.end = i + 4;
        } else if (text.startsWith('false', i)) {
          if (field === Field.Time || field === Field.Level) return false;
          this.end = i + 5;
        } else {
          return false; // a nested object or array, or not JSON
        }
        if (this.end > to) return false;
        i = this.skipSpace(text, this.end, to);
        if (i >= to) return false;
        const next = text.charCodeAt(i);
        i++;
        if (next === 125 /* } */) break;
        if (next !== 44 /* , */) return false;
        i = this.skipSpace(text, i, to);
      }
    }
    if (this.skipSpace(text, i, to) !== to) return false;

    if ((seen & Field.Other) !== 0 || !Number.isFinite(timeMs)) return false;
    const level = (seen & Field.Level) === 0 ? 'info' : levelFromNumber(levelNumber);
    if (level === 'error' || level === 'critical') return false;
    // The message parseJsonLine reads: `msg` if it is a string, else `message` if it is one.
    const [mFrom, mTo] = msgIsString ? [msgFrom, msgTo] : messageIsString ? [messageFrom, messageTo] : [0, 0];
    if (mTo - mFrom >= 5 && text.startsWith('PERF ', mFrom)) return false;
    this.timeMs = timeMs;
    this.level = level;
    return true;
  }

  private skipSpace(text: string, i: number, to: number): number {
    while (i < to && isJsonSpace(text.charCodeAt(i))) i++;
    return i;
  }

  /** A JSON string from the quote at `at`: sets `end` past its closing quote and `escaped`; false if invalid. */
  private scanString(text: string, at: number, to: number): boolean {
    if (this.plainBlock) {
      if (this.nextBackslash >= 0 && this.nextBackslash <= at)
        this.nextBackslash = text.indexOf('\\', at + 1);
      const quote = text.indexOf('"', at + 1);
      if (quote >= 0 && quote < to && (this.nextBackslash < 0 || this.nextBackslash > quote)) {
        this.end = quote + 1;
        this.escaped = false;
        return true;
      }
    }
    let escaped = false;
    for (let i = at + 1; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.end = i + 1;
        this.escaped = escaped;
        return true;
      }
      if (c < 32) return false;
      if (c === BACKSLASH) {
        escaped = true;
        if (++i >= to) return false;
        const e = text.charCodeAt(i);
        if (e === 117 /* u */) {
          if (i + 4 >= to) return false;
          for (let k = 1; k <= 4; k++) if (!isHex(text.charCodeAt(i + k))) return false;
          i += 4;
        } else if (
          e !== QUOTE &&
          e !== BACKSLASH &&
          e !== 47 /* / */ &&
          e !== 98 /* b */ &&
          e !== 102 /* f */ &&
          e !== 110 /* n */ &&
          e !== 114 /* r */ &&
          e !== 116 /* t */
        ) {
          return false;
        }
      }
    }
    return false;
  }

  /** A JSON number at `at`: its value (NaN if it is not one) and `end` past it. */
  private scanNumber(text: string, at: number, to: number): number {
    let i = at;
    const negative = text.charCodeAt(i) === 45;
    if (negative) i++;
    const intStart = i;
    if (i >= to || !isDigit(text.charCodeAt(i))) return Number.NaN;
    if (text.charCodeAt(i) === 48 /* 0 */) i++;
    else while (i < to && isDigit(text.charCodeAt(i))) i++;
    const intEnd = i;
    let plain = true;
    if (i < to && text.charCodeAt(i) === 46 /* . */) {
      plain = false;
      i++;
      if (i >= to || !isDigit(text.charCodeAt(i))) return Number.NaN;
      while (i < to && isDigit(text.charCodeAt(i))) i++;
    }
    const e = i < to ? text.charCodeAt(i) : 0;
    if (e === 101 /* e */ || e === 69 /* E */) {
      plain = false;
      i++;
      const sign = i < to ? text.charCodeAt(i) : 0;
      if (sign === 43 /* + */ || sign === 45 /* - */) i++;
      if (i >= to || !isDigit(text.charCodeAt(i))) return Number.NaN;
      while (i < to && isDigit(text.charCodeAt(i))) i++;
    }
    this.end = i;
    // Up to 15 digits an integer is exact in a double: no string needed. Otherwise the same
    // conversion JSON.parse makes.
    if (!plain || intEnd - intStart > 15) return Number(text.slice(at, i));
    let value = 0;
    for (let k = intStart; k < intEnd; k++) value = value * 10 + (text.charCodeAt(k) - 48);
    return negative ? -value : value;
  }
}
