import { FakeHttpServer, startFakeHttpServer } from './fake-http-server';

export interface FakeMonitoringServer extends FakeHttpServer {
  /** The raised frequency per model: its interval and when it ends. */
  raised: Map<string, { intervalSeconds: number; until: string }>;
  /** The next n requests answer 503: a monitoring service that is briefly down. */
  failNext(n: number): void;
}

/**
 * The monitoring contract (README "Backends"): PUT /models/{model}/monitoring. A repeated
 * Idempotency-Key gets the first answer again, as the contract lets a service do.
 */
export async function startFakeMonitoringServer(): Promise<FakeMonitoringServer> {
  const raised = new Map<string, { intervalSeconds: number; until: string }>();
  const answered = new Map<string, string>();
  let failures = 0;
  const server = await startFakeHttpServer((req) => {
    if (failures > 0) {
      failures--;
      return { status: 503, body: 'monitoring service is restarting' };
    }
    const match = /^\/models\/([^/]+)\/monitoring$/.exec(req.path);
    if (!match || req.method !== 'PUT') return { status: 404, body: { error: 'no such endpoint' } };
    const model = decodeURIComponent(match[1]);
    const body = req.body as { interval_seconds?: unknown; until?: unknown };
    if (typeof body.interval_seconds !== 'number' || typeof body.until !== 'string')
      return { status: 422, body: { error: 'interval_seconds and until are required' } };
    const key = String(req.headers['idempotency-key'] ?? '');
    const until = answered.get(key) ?? body.until;
    answered.set(key, until);
    raised.set(model, { intervalSeconds: body.interval_seconds, until });
    return { status: 200, body: { model_name: model, until } };
  });
  return { ...server, raised, failNext: (n) => void (failures = n) };
}
