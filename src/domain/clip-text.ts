/** How much of a quoted value a reason shows by default. */
export const QUOTE_LIMIT = 80;

/**
 * `text` cut to at most `max` characters, saying how long it was: reasons quote what a producer
 * sent, and a quoted megabyte would travel into dead letters, logs, workflow state and alerts.
 * Never cuts a surrogate pair in half, so the clip is still valid Unicode.
 */
export function clipText(text: string, max = QUOTE_LIMIT): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}
