/**
 * A copy of a string that shares no memory with the one it came from. V8 represents
 * `line.slice(…)` as a view into the whole decoded block; keeping such a slice (a message key,
 * an example, a component name) would keep the entire block alive. Used only for the few strings
 * an aggregate keeps, never per line.
 */
export function ownString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
