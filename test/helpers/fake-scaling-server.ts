import { FakeHttpServer, startFakeHttpServer } from './fake-http-server';

export interface FakeScalingServer extends FakeHttpServer {
  services: Map<string, number>;
  /** The next n requests (of this method, if given) answer 503: a scaling service that is briefly down. */
  failNext(n: number, method?: string): void;
}

/** The scaling contract (README "Backends"): GET /services/{s}, PUT /services/{s}/instances. */
export async function startFakeScalingServer(): Promise<FakeScalingServer> {
  const services = new Map<string, number>();
  let failures = 0;
  let failMethod: string | undefined;
  const server = await startFakeHttpServer((req) => {
    if (failures > 0 && (!failMethod || failMethod === req.method)) {
      failures--;
      return { status: 503, body: 'scaling service is restarting' };
    }
    const match = /^\/services\/([^/]+)(\/instances)?$/.exec(req.path);
    const name = match ? decodeURIComponent(match[1]) : '';
    if (!match || !services.has(name)) return { status: 404, body: { error: `unknown service '${name}'` } };
    if (req.method === 'GET' && !match[2])
      return { status: 200, body: { service: name, instances: services.get(name) } };
    if (req.method === 'PUT' && match[2]) {
      const instances = (req.body as { instances?: unknown }).instances;
      if (typeof instances !== 'number' || instances < 1) {
        return { status: 422, body: { error: `instances must be >= 1, got ${String(instances)}` } };
      }
      services.set(name, instances);
      return { status: 200, body: { service: name, instances } };
    }
    return { status: 405, body: { error: 'method not allowed' } };
  });
  return {
    ...server,
    services,
    failNext: (n, method) => {
      failures = n;
      failMethod = method;
    },
  };
}
