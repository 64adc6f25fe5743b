/**
 * How a product process is started, for its memory: the Node.js flags and environment that the
 * image's CMD (Dockerfile), `npm start` and the report benchmark all use. They have to be given
 * at start — V8 sizes a heap when it creates it, glibc reads its tuning before the first
 * allocation — so they are written out in those places and checked against these lists by
 * test/unit/process-memory.test.ts.
 *
 * Measured on the daily report (bench/report.bench.ts, README "Daily log report"): an idle worker
 * held about 190 MiB and a report took it past 300 MiB.
 *
 * - `--max-semi-space-size=2` (MiB): V8 lets the new space of an isolate — the main thread, the
 *   Temporal SDK's workflow thread — grow to two 16 MiB semi-spaces before it collects it; the
 *   main thread kept all 32 MiB committed while idle. Our short-lived garbage (payloads, blocks
 *   of log lines) is collected just as well in 2 MiB semi-spaces, a 6 MiB young generation: the
 *   size the analysis threads already had (analysis-threads.ts).
 * - `MALLOC_MMAP_THRESHOLD_=131072`: glibc serves a block of 128 KiB or more from a mapping of its
 *   own, handed back to the system when freed — but by default it raises that threshold (up to
 *   32 MiB) each time such a block is freed, after which big blocks come from the per-thread
 *   heap arenas, which rarely shrink: during a report those arenas grew by about 57 MiB. Setting
 *   the threshold keeps it at its 128 KiB start. Lower (64 KiB) kept the memory as low but cost
 *   more CPU; `MALLOC_ARENA_MAX=2` bounded the arenas too, but a run beside one without
 *   it, at the same load, read half the throughput (92.8 against 179.3 MiB/s).
 */

/** Node.js flags before the entry script. */
export const PROCESS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** Environment of the process (read by glibc at start; a value set by the deployment wins). */
export const PROCESS_MEMORY_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };
