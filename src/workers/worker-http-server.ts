import http from 'node:http';
import type { Pool } from 'pg';
import { type VideoMetrics, videoMetricsSnapshot, videoMetricsText } from '../activities/video/metrics';
import type { VideoConfig } from '../config/video';
import { type HttpListener, listenBounded } from '../http-listener';
import type { Logger } from '../logger';
import { NodeProcessMetrics } from '../metrics/node-process-metrics';
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus-registry';
import type { WorkerMetrics } from '../metrics/worker-metrics';

export interface WorkerHttpOptions {
  host: string;
  port: number;
  logger: Logger;
  workerMetrics: WorkerMetrics;
  videoMetrics: VideoMetrics;
  /** For the video failure rate, which is read from the jobs table of every worker. */
  pool: Pool;
  video: VideoConfig;
  /** The Temporal worker's state (Worker.getState()): RUNNING is healthy. */
  workerState(): string;
}

export type WorkerHttpServer = HttpListener;

/**
 * GET /metrics and GET /healthz of the worker (README "Worker metrics"). Its own listener: the
 * Temporal SDK serves its series from native code on TEMPORAL_METRICS_ADDRESS, which this
 * process cannot add to. Read-only, so it needs no token.
 */
export async function startWorkerHttpServer(options: WorkerHttpOptions): Promise<WorkerHttpServer> {
  const { logger, workerMetrics } = options;
  // A registry of its own: the worker's counters may outlive one listener (tests start several).
  const processRegistry = new MetricsRegistry();
  const processMetrics = new NodeProcessMetrics(processRegistry);

  async function metricsText(): Promise<string> {
    processMetrics.update();
    // The failure rate needs PostgreSQL; when it is down the rest is still served (its series is left out).
    const video = await videoMetricsSnapshot(options.videoMetrics, options.pool, options.video);
    return workerMetrics.render() + processRegistry.render() + videoMetricsText(video);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET only\n');
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(await metricsText());
    } else if (path === '/healthz') {
      const state = options.workerState();
      res
        .writeHead(state === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: state === 'RUNNING' ? 'ok' : 'unavailable', worker: state }));
    } else {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('no such endpoint (try GET /metrics, GET /healthz)\n');
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      logger.error({ err: err.message }, 'worker HTTP request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  const listener = await listenBounded(server, options.host, options.port).catch((err: unknown) => {
    processMetrics.stop();
    throw err;
  });
  logger.info({ host: listener.host, port: listener.port }, 'worker /metrics and /healthz listening');
  return {
    ...listener,
    close: () => {
      processMetrics.stop();
      return listener.close();
    },
  };
}
