/**
 * The `[YYYY-MM-DD HH:MM:SS]` stamp (optionally `,123` or `.123`) that starts a classic text line,
 * read by position, no regex. One reader for both text paths (the full parser and the in-place
 * routine reader), so they accept the same stamps and round a fraction alike. Its fields are
 * reused from line to line: the routine path allocates nothing per line.
 */
export class BracketTimestamp {
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  second = 0;
  ms = 0;

  /**
   * Reads the stamp whose `[` is at `from`, in `text[from, to)`: the index of its `]`, or -1 when
   * the date and time are not one, -2 when no `]` follows them.
   */
  read(text: string, from: number, to: number): number {
    this.year = digitsAt(text, from + 1, 4);
    this.month = digitsAt(text, from + 6, 2);
    this.day = digitsAt(text, from + 9, 2);
    this.hour = digitsAt(text, from + 12, 2);
    this.minute = digitsAt(text, from + 15, 2);
    this.second = digitsAt(text, from + 18, 2);
    const sep = text.charCodeAt(from + 11);
    if (
      this.year < 0 ||
      this.month < 1 ||
      this.month > 12 ||
      this.day < 1 ||
      this.day > 31 ||
      this.hour < 0 ||
      this.hour > 23 ||
      this.minute < 0 ||
      this.minute > 59 ||
      this.second < 0 ||
      this.second > 59 ||
      text.charCodeAt(from + 5) !== 45 ||
      text.charCodeAt(from + 8) !== 45 ||
      (sep !== 32 && sep !== 84) ||
      text.charCodeAt(from + 14) !== 58 ||
      text.charCodeAt(from + 17) !== 58
    ) {
      return -1;
    }
    let i = from + 20;
    let ms = 0;
    const fraction = text.charCodeAt(i);
    if (fraction === 44 /* , */ || fraction === 46 /* . */) {
      i++;
      let scale = 100;
      while (i < to) {
        const c = text.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        ms += c * scale;
        scale /= 10;
        i++;
      }
      ms = Math.floor(ms);
    }
    this.ms = ms;
    return i < to && text.charCodeAt(i) === 93 /* ] */ ? i : -2;
  }
}

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}
