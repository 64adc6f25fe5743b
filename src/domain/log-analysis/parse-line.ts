/**
 * Parses any supported log line. The first character picks the parser, so a text line never
 * pays for JSON.parse and a JSON line never for the text scanner.
 */
import { parseJsonLine } from './json-line';
import type { LocalTimestamps } from './local-timestamps';
import type { ParsedLine } from './log-line';
import { parseTextLine } from './text-line';

/** Parses one non-blank line (without its newline). */
export function parseLogLine(line: string, zone: LocalTimestamps): ParsedLine {
  const first = line.charCodeAt(0);
  if (first === 123 /* { */) return parseJsonLine(line, zone);
  if (first === 91 /* [ */) return parseTextLine(line, zone);
  if (line.startsWith('PERF ')) return { malformed: 'PERF line without a [YYYY-MM-DD HH:MM:SS] timestamp' };
  return { malformed: 'not a JSON object or a [YYYY-MM-DD HH:MM:SS] line' };
}
