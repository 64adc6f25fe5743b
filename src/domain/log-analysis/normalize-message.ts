/**
 * Groups similar messages for the top-10: every run of letters and digits that contains a
 * digit becomes a placeholder, so "Timeout after 5012 ms calling model-7 (req 9f2c…)" and
 * "Timeout after 311 ms calling model-12 (req 0b1d…)" count as one message.
 *
 * - a run of digits only → `<n>`, except a 3-digit status right after `HTTP`/`status`/`code`
 *   (so HTTP 404 and HTTP 500 stay apart)
 * - a run mixing letters and digits (hex ids, UUID parts, `v2`) → `<id>`
 * - a run of letters only stays as it is
 * The result is capped at MAX_MESSAGE_CHARS so one huge line cannot bloat the report.
 */

export const MAX_MESSAGE_CHARS = 200;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const STATUS_WORDS = new Set(['http', 'status', 'code']);

/** The word just before position `at`, skipping spaces and `:`/`=`; lower case. */
function previousWord(text: string, at: number): string {
  let end = at;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 32 && c !== 58 && c !== 61) break;
    end--;
  }
  let start = end;
  while (start > 0 && isAlnum(text.charCodeAt(start - 1))) start--;
  return text.slice(start, end).toLowerCase();
}

/** The grouping key of a message (see the module comment). */
export function normalizeMessage(message: string): string {
  const text = message.length > MAX_MESSAGE_CHARS * 2 ? message.slice(0, MAX_MESSAGE_CHARS * 2) : message;
  let out = '';
  let i = 0;
  let copyFrom = 0;
  while (i < text.length) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let sawDigit = false;
    let sawLetter = false;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) sawDigit = true;
      else if (isAlnum(c)) sawLetter = true;
      else break;
      i++;
    }
    if (!sawDigit) continue;
    let placeholder: string;
    if (sawLetter) placeholder = '<id>';
    else if (i - start === 3 && STATUS_WORDS.has(previousWord(text, start))) continue;
    else placeholder = '<n>';
    out += text.slice(copyFrom, start) + placeholder;
    copyFrom = i;
  }
  out += text.slice(copyFrom);
  out = out.trim();
  return out.length > MAX_MESSAGE_CHARS ? `${out.slice(0, MAX_MESSAGE_CHARS - 1)}…` : out;
}
