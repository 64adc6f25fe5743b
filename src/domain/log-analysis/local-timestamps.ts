/**
 * Turns zone-less timestamps (`2024-03-10 14:05:09` in text logs) into instants, reading
 * them as wall-clock time in a given zone. Asking Intl for every line would dominate the
 * parse, so the instant of each local hour is cached: logs of one day touch ~25 hours.
 */
import { instantOfWallClock } from './zoned-time';

const MAX_CACHED_HOURS = 4096;

export class LocalTimestamps {
  private readonly hourStarts = new Map<number, number>();

  constructor(readonly timeZone: string) {}

  /** Epoch ms of a local wall-clock reading; month is 1-12. */
  toInstant(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    ms: number,
  ): number {
    const key = ((year * 100 + month) * 100 + day) * 100 + hour;
    let start = this.hourStarts.get(key);
    if (start === undefined) {
      if (this.hourStarts.size >= MAX_CACHED_HOURS) this.hourStarts.clear();
      start = instantOfWallClock({ year, month, day, hour, minute: 0, second: 0 }, this.timeZone);
      this.hourStarts.set(key, start);
    }
    return start + minute * 60_000 + second * 1000 + ms;
  }
}
