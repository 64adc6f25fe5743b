import { FakeHttpServer, startFakeHttpServer } from './fake-http-server';

/** How a submitted job behaves: how many polls it stays running, then how it ends. */
export interface FakeJobScript {
  runningPolls: number;
  end: {
    status: 'succeeded' | 'failed' | 'cancelled';
    detail?: string;
    new_version?: string;
    // What a training service that evaluates its own candidate reports with the result.
    metrics?: Record<string, number>;
    champion_metrics?: Record<string, number>;
  };
}

export interface FakeTrainingServer extends FakeHttpServer {
  jobs: Map<string, { model: string; polls: number; script: FakeJobScript; cancelled: boolean }>;
  submissions(): number;
}

/**
 * The training service contract (README "Backends"): POST /jobs, GET /jobs/{id}, DELETE /jobs/{id}.
 * `scriptFor` decides per submitted body how the job runs; `submitStatus` forces a submit error.
 */
export async function startFakeTrainingServer(options: {
  scriptFor: (body: Record<string, unknown>) => FakeJobScript;
  submitStatus?: number;
  /** Status polls (1-based, counted over all jobs) that answer 503, like a service mid-restart. */
  unavailablePolls?: number[];
}): Promise<FakeTrainingServer> {
  let polls = 0;
  const jobs: FakeTrainingServer['jobs'] = new Map();
  let next = 1;
  const server = await startFakeHttpServer((req) => {
    const match = /^\/jobs(?:\/([^/]+))?$/.exec(req.path);
    if (!match) return { status: 404, body: { error: 'no such route' } };
    const jobId = match[1] ? decodeURIComponent(match[1]) : undefined;
    if (req.method === 'POST' && !jobId) {
      if (options.submitStatus)
        return { status: options.submitStatus, body: { error: 'model_name is not known here' } };
      const body = req.body as Record<string, unknown>;
      const id = `job-${next++}`;
      jobs.set(id, {
        model: String(body.model_name),
        polls: 0,
        script: options.scriptFor(body),
        cancelled: false,
      });
      return { status: 201, body: { job_id: id, status: 'queued' } };
    }
    const job = jobId ? jobs.get(jobId) : undefined;
    if (!job) return { status: 404, body: { error: `no job ${jobId}` } };
    if (req.method === 'DELETE') {
      job.cancelled = true;
      return { status: 200, body: { job_id: jobId, status: 'cancelled' } };
    }
    if (req.method === 'GET') {
      if (options.unavailablePolls?.includes(++polls)) return { status: 503, body: 'service restarting' };
      if (job.cancelled) return { status: 200, body: { job_id: jobId, status: 'cancelled' } };
      job.polls++;
      if (job.polls <= job.script.runningPolls) {
        return {
          status: 200,
          body: { job_id: jobId, status: 'running', progress: job.polls / (job.script.runningPolls + 1) },
        };
      }
      return { status: 200, body: { job_id: jobId, ...job.script.end } };
    }
    return { status: 405, body: { error: 'method not allowed' } };
  });
  return {
    ...server,
    jobs,
    submissions: () => server.requests.filter((r) => r.method === 'POST').length,
  };
}
