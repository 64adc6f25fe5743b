import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

/** Percentile of already-sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** p50/p95/p99/max of latencies in ms (any order), and how many there were. */
export function latencyFigures(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1],
  };
}

/** The process id a local service wrote to its pid file; undefined if there is none. */
export function readPid(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of a process (VmHWM), in MiB; undefined if it is gone. */
export function peakRssMiB(pid: number = process.pid): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in seconds; undefined if it is gone. */
export function cpuSeconds(pid: number = process.pid): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Linux reports process times in clock ticks of USER_HZ, 100 on every platform Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Average cores each process used between two `cpuSeconds` readings taken `seconds` apart: where
 * the machine's time went, so a figure can be read against the 2 cores it was measured on.
 */
export function coresUsed(
  before: Record<string, number | undefined>,
  after: Record<string, number | undefined>,
  seconds: number,
): Record<string, number | undefined> {
  const cores: Record<string, number | undefined> = {};
  for (const name of Object.keys(before)) {
    const [b, a] = [before[name], after[name]];
    cores[name] =
      b === undefined || a === undefined ? undefined : Math.round(((a - b) / seconds) * 100) / 100;
  }
  return cores;
}

/** Writes bench/results/<name>.json with the machine and settings that produced the figures. */
export function writeBenchResult(
  name: string,
  figures: Record<string, unknown>,
  settings: Record<string, unknown>,
): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const result = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    settings,
    figures,
  };
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
  return file;
}

/**
 * CPU time of a process and all its descendants, in seconds: PostgreSQL serves each connection
 * from a child of the postmaster, so the postmaster alone would show almost nothing.
 */
export function treeCpuSeconds(rootPid: number): number | undefined {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parentOf.get(p) ?? 0, hops++)
      if (p === rootPid) return true;
    return false;
  };
  let total: number | undefined;
  for (const pid of parentOf.keys()) {
    if (!inTree(pid)) continue;
    const cpu = cpuSeconds(pid);
    if (cpu !== undefined) total = (total ?? 0) + cpu;
  }
  return total;
}
