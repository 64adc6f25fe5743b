import { FakeHttpServer, startFakeHttpServer } from '../../test/helpers/fake-http-server';

export interface CountingTrainingServer extends FakeHttpServer {
  /** Jobs started per Idempotency-Key: more than one is a training job started twice. */
  startsByKey: Map<string, number>;
  /** Submits answered with the job already started for their key (the service's idempotency at work). */
  repeatedSubmits(): number;
}

/**
 * A training service (README "Backends") that keeps running while the worker is dead: each job
 * succeeds `jobMs` after it was started, in wall-clock time, however often it is polled. A submit
 * carrying an Idempotency-Key it has seen gets the job it already started, as a careful service
 * does; every job it does start is counted by key, so a retry that slipped past the key shows.
 */
export async function startCountingTrainingServer(jobMs: number): Promise<CountingTrainingServer> {
  const startsByKey = new Map<string, number>();
  const jobByKey = new Map<string, string>();
  const startedAt = new Map<string, number>();
  let repeated = 0;
  let next = 1;
  const server = await startFakeHttpServer((req) => {
    const match = /^\/jobs(?:\/([^/]+))?$/.exec(req.path);
    if (!match) return { status: 404, body: { error: 'no such route' } };
    if (req.method === 'POST' && !match[1]) {
      const key = String(req.headers['idempotency-key'] ?? `no-key-${next}`);
      const known = jobByKey.get(key);
      if (known) {
        repeated++;
        return { status: 200, body: { job_id: known, status: 'running' } };
      }
      const id = `job-${next++}`;
      jobByKey.set(key, id);
      startsByKey.set(key, (startsByKey.get(key) ?? 0) + 1);
      startedAt.set(id, Date.now());
      return { status: 201, body: { job_id: id, status: 'queued' } };
    }
    const id = decodeURIComponent(match[1] ?? '');
    const since = startedAt.get(id);
    if (since === undefined) return { status: 404, body: { error: `no job ${id}` } };
    if (req.method === 'DELETE') return { status: 409, body: { error: 'drill jobs cannot be cancelled' } };
    const elapsed = Date.now() - since;
    if (elapsed < jobMs)
      return { status: 200, body: { job_id: id, status: 'running', progress: elapsed / jobMs } };
    return { status: 200, body: { job_id: id, status: 'succeeded', new_version: '4' } };
  });
  return { ...server, startsByKey, repeatedSubmits: () => repeated };
}
