import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { deterministicUuid } from '../backends/deterministic-id';
import type { IncomingEvent } from '../domain/ingest/read-event';
import type { RoutingSettings } from './event-routing';
import type { Logger } from '../logger';
import { parseAlertmanagerPayload } from './alertmanager-events';
import type { BridgeMetrics } from './bridge-metrics';
import type { ConcurrencyLimit } from './concurrency-limit';
import type { Delivery } from './event-routing';
import { routeEvent } from './event-routing';
import { decideFate } from './message-fate';
import { refusePost } from './http-guard';
import { answerSilences, isSilencePath } from './silence-endpoints';
import { answerApprovals, isApprovalPath } from './approval-endpoints';
import { isLoopbackHost } from '../config/bridge';
import type { EventOrigin } from './event-origin';
import type { EventPipeline } from './event-pipeline';
import type { KeyedMutex } from './keyed-mutex';
import { decodeJson } from './message-decoding';
import { type HttpListener, listenBounded } from '../http-listener';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus-registry';
import { DeliveryResult, TransientDeliveryError } from './temporal-delivery';
import { traceCarrierOf } from './delivery-spans';

export interface BridgeHealth {
  status: 'ok' | 'degraded' | 'unavailable';
  [detail: string]: unknown;
}

export interface BridgeHttpOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Required on every POST when set (BRIDGE_HTTP_TOKEN). */
  token?: string;
  /** POSTs handled at once; more are answered 503 (BRIDGE_HTTP_MAX_CONCURRENT). */
  maxConcurrentPosts: number;
  /** How loose events are read (producer time zone, CloudEvents type mapping). */
  ingest: RoutingSettings;
  pipeline: EventPipeline;
  mutex: KeyedMutex;
  limit: ConcurrencyLimit;
  metrics: BridgeMetrics;
  logger: Logger;
  health(): BridgeHealth;
  isStopping(): boolean;
  /** Where silences are kept (GET/POST /silences); without it those endpoints answer 501. */
  pool?: Pool;
  /** The guardians' Temporal client, for the approval endpoints; without it they answer 501. */
  temporalClient?: Client;
}

export type BridgeHttpServer = HttpListener;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KNOWN_PATHS = new Set(['/events', '/alertmanager', '/healthz', '/metrics', '/silences']);

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = 5;
/** After `guardian_cap_reached`: places free up only as idle guardians end, so ask for longer. */
const CAP_RETRY_AFTER_SECONDS = 60;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body) + '\n';
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? PROMETHEUS_CONTENT_TYPE : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Reads the body, refusing (without buffering it all) anything over the limit. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(
        new HttpError(
          413,
          'oversized',
          `the body is ${declared} bytes, over the limit of ${maxBytes} (BRIDGE_MAX_MESSAGE_BYTES)`,
        ),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(
          new HttpError(
            413,
            'oversized',
            `the body is over the limit of ${maxBytes} bytes (BRIDGE_MAX_MESSAGE_BYTES)`,
          ),
        );
        // Stop reading; the 413 goes out with `connection: close` and the socket closes after it.
        req.removeAllListeners('data');
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Query parameters that name the model of a body that does not (a drift tool's report). */
const MODEL_PARAMETERS = ['model_name', 'model'];

/**
 * One HTTP body as the shared reader sees it: CloudEvents binary mode from `ce-*` headers, the
 * model from a query parameter, and a stable id from the body for an event that has none.
 */
function incomingFromRequest(req: IncomingMessage, body: Buffer, json: unknown): IncomingEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('ce-') && typeof value === 'string') headers[name] = value;
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const parameter = MODEL_PARAMETERS.find((name) => query.get(name));
  return {
    body: json,
    headers,
    fallbackId: {
      id: deterministicUuid('event-body', body.toString('utf8')),
      from: 'the request body, so the same body sent again is a duplicate',
    },
    receivedAt: { iso: new Date().toISOString(), from: 'the time the bridge received the request' },
    modelHint: parameter
      ? { name: query.get(parameter)!, from: `the query parameter ${parameter}` }
      : undefined,
  };
}

/**
 * The HTTP way in and the operator endpoints: POST /events (one event, validated like a Kafka
 * message), POST /alertmanager (Alertmanager webhook → system events), GET /healthz, GET /metrics,
 * silences (GET/POST /silences) and approval answers (GET/POST /approvals).
 * A 2xx means Temporal accepted the event; a 503 means "retry later" (nothing was lost).
 */
export async function startBridgeHttpServer(options: BridgeHttpOptions): Promise<BridgeHttpServer> {
  const { pipeline, mutex, limit, metrics, logger } = options;

  /** Same ordering rules as Kafka: one call per workflow at a time, bounded in total. */
  const deliverInOrder = (delivery: Delivery, origin: EventOrigin): Promise<DeliveryResult> =>
    mutex.run(delivery.workflowId, () => limit.run(() => pipeline.deliver(delivery, origin)));

  /** GET /approvals…, POST /approvals/MODEL/ID/approve|reject: a POST passes the same guard as /silences. */
  async function answerApprovalRequest(req: IncomingMessage, path: string): Promise<[number, unknown]> {
    if (req.method === 'POST') {
      const refusal = refusePost(req, guard);
      if (refusal) {
        logger.warn({ path, status: refusal.status, reason: refusal.code }, 'HTTP request refused');
        throw new HttpError(refusal.status, refusal.code, refusal.detail);
      }
    }
    if (!options.temporalClient)
      return [
        501,
        { status: 'rejected', error: 'not_configured', detail: 'this bridge has no Temporal client' },
      ];
    return answerApprovals(options.temporalClient, req.method ?? 'GET', path, async () => {
      const decoded = decodeJson(await readBody(req, options.maxBodyBytes), options.maxBodyBytes);
      if (!decoded.ok)
        throw new HttpError(decoded.reason === 'oversized' ? 413 : 400, decoded.reason, decoded.detail);
      return decoded.json;
    });
  }

  async function postEvent(req: IncomingMessage): Promise<[number, unknown]> {
    metrics.httpEvents.inc({ endpoint: '/events' });
    if (/^application\/cloudevents-batch\+json/i.test(req.headers['content-type'] ?? '')) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'batched CloudEvents are not accepted: send one event per request',
      );
    }
    const body = await readBody(req, options.maxBodyBytes);
    const decoded = decodeJson(body, options.maxBodyBytes);
    if (!decoded.ok)
      throw new HttpError(decoded.reason === 'oversized' ? 413 : 400, decoded.reason, decoded.detail);
    const route = routeEvent(incomingFromRequest(req, body, decoded.json), options.ingest);
    const origin: EventOrigin = {
      source: 'http',
      path: '/events',
      receivedAtMs: Date.now(),
      trace: traceCarrierOf(req.headers),
    };
    const outcome = await decideFate(route, (d) => deliverInOrder(d, origin));
    if (outcome.fate === 'rejected') {
      const { reason, detail, eventId } = outcome.rejection;
      logger.warn({ path: '/events', eventId, reason, detail }, 'HTTP event rejected');
      // Past GUARDIAN_MAX_ACTIVE: retry later, when idle guardians have ended and freed places.
      if (reason === 'guardian_cap_reached') throw new HttpError(503, reason, detail);
      // The client is told (nothing is dead-lettered): 422 when the event was valid but Temporal
      // refused it, 403 when its model may not have a guardian, 413 when the event as read is over
      // the size a guardian accepts.
      const status =
        reason === 'rejected_by_temporal'
          ? 422
          : reason === 'model_not_allowed'
            ? 403
            : reason === 'oversized'
              ? 413
              : 400;
      throw new HttpError(status, reason, detail);
    }
    const { delivery, result } = outcome;
    return [
      202,
      {
        status: 'accepted',
        event_id: delivery.event.event_id,
        workflow_id: delivery.workflowId,
        outcome: result.outcome,
      },
    ];
  }

  async function postAlertmanager(req: IncomingMessage): Promise<[number, unknown]> {
    metrics.httpEvents.inc({ endpoint: '/alertmanager' });
    const body = await readBody(req, options.maxBodyBytes);
    const decoded = decodeJson(body, options.maxBodyBytes);
    if (!decoded.ok)
      throw new HttpError(decoded.reason === 'oversized' ? 413 : 400, decoded.reason, decoded.detail);
    const parsed = parseAlertmanagerPayload(decoded.json);
    if (!parsed.ok) throw new HttpError(400, 'schema_violation', parsed.detail);

    const origin: EventOrigin = {
      source: 'http',
      path: '/alertmanager',
      receivedAtMs: Date.now(),
      trace: traceCarrierOf(req.headers),
    };
    const counts = { accepted: 0, duplicates: 0, dead_lettered: 0, resolved_ignored: parsed.resolved };
    let retryable: Error | undefined;
    await Promise.all(
      parsed.firing.map(async ({ alert, event }) => {
        try {
          const route = routeEvent(
            { body: event, fallbackId: { id: String(event.event_id), from: 'the alert' } },
            options.ingest,
          );
          const outcome = await decideFate(route, (d) => deliverInOrder(d, origin));
          if (outcome.fate === 'delivered') {
            if (outcome.result.outcome === 'duplicate') counts.duplicates++;
            else counts.accepted++;
            return;
          }
          // Alertmanager ignores response bodies: an alert we cannot use goes to the dead-letter topic, not nowhere.
          await pipeline.deadLetter({
            ...outcome.rejection,
            eventId: event.event_id as string,
            value: Buffer.from(JSON.stringify(alert)),
            origin,
          });
          counts.dead_lettered++;
        } catch (err) {
          retryable ??= err as Error;
        }
      }),
    );
    // Alertmanager re-sends the whole group on a non-2xx; event ids are stable, so the ones already accepted are not acted on twice.
    if (retryable)
      throw retryable instanceof TransientDeliveryError
        ? retryable
        : new TransientDeliveryError(retryable.message);
    return [200, { status: 'accepted', ...counts }];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const health = options.health();
        send(res, health.status === 'unavailable' ? 503 : 200, health);
        return res.statusCode;
      }
      if (path === '/metrics' && req.method === 'GET') {
        send(res, 200, metrics.registry.render());
        return 200;
      }
      if (path === '/events' || path === '/alertmanager') {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `use POST ${path}`);
        const refusal = refusePost(req, guard);
        if (refusal) {
          logger.warn({ path, status: refusal.status, reason: refusal.code }, 'HTTP request refused');
          throw new HttpError(refusal.status, refusal.code, refusal.detail);
        }
        if (options.isStopping()) throw new TransientDeliveryError('the bridge is shutting down');
        if (postsInFlight >= options.maxConcurrentPosts) {
          throw new TransientDeliveryError(
            `more than ${options.maxConcurrentPosts} requests at once (BRIDGE_HTTP_MAX_CONCURRENT)`,
          );
        }
        postsInFlight++;
        try {
          const [status, body] = path === '/events' ? await postEvent(req) : await postAlertmanager(req);
          send(res, status, body);
          return status;
        } finally {
          postsInFlight--;
        }
      }
      if (isSilencePath(path)) {
        if (req.method === 'POST') {
          const refusal = refusePost(req, guard);
          if (refusal) {
            logger.warn({ path, status: refusal.status, reason: refusal.code }, 'HTTP request refused');
            throw new HttpError(refusal.status, refusal.code, refusal.detail);
          }
        }
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
        const [status, body] = await answerSilences(
          options.pool,
          req.method ?? 'GET',
          path,
          query,
          async () => {
            const decoded = decodeJson(await readBody(req, options.maxBodyBytes), options.maxBodyBytes);
            if (!decoded.ok)
              throw new HttpError(decoded.reason === 'oversized' ? 413 : 400, decoded.reason, decoded.detail);
            return decoded.json;
          },
        );
        if (status >= 400) logger.warn({ path, status, body }, 'silence request refused');
        send(res, status, body);
        return status;
      }
      if (isApprovalPath(path)) {
        const [status, body] = await answerApprovalRequest(req, path);
        if (status >= 400) logger.warn({ path, status, body }, 'approval request refused');
        send(res, status, body);
        return status;
      }
      throw new HttpError(
        404,
        'not_found',
        `no such endpoint: ${path} (try POST /events, POST /alertmanager, GET /healthz, GET /metrics, GET/POST /silences, GET/POST /approvals)`,
      );
    } catch (err) {
      if (err instanceof HttpError) {
        send(
          res,
          err.status,
          { status: 'rejected', error: err.code, detail: err.message },
          err.status === 413
            ? { connection: 'close' }
            : err.status === 401
              ? { 'www-authenticate': 'Bearer' }
              : err.status === 503
                ? { 'retry-after': String(CAP_RETRY_AFTER_SECONDS) }
                : {},
        );
        if (err.status === 413) res.once('finish', () => req.destroy());
        return err.status;
      }
      const message = (err as Error)?.message ?? String(err);
      if (!(err instanceof TransientDeliveryError)) logger.error({ err, path }, 'HTTP request failed');
      else logger.warn({ path, err: message }, 'HTTP event not accepted yet: Temporal or Kafka unavailable');
      send(
        res,
        503,
        {
          status: 'unavailable',
          error: 'unavailable',
          detail: message,
          retry_after_seconds: RETRY_AFTER_SECONDS,
        },
        {
          'retry-after': String(RETRY_AFTER_SECONDS),
        },
      );
      return 503;
    }
  }

  const guard = { token: options.token, loopback: isLoopbackHost(options.host) };
  let postsInFlight = 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).then((status) => {
      const path = (req.url ?? '/').split('?')[0];
      // Known paths only: a scanner probing random URLs must not create a metric series per URL.
      const known = KNOWN_PATHS.has(path)
        ? path
        : isSilencePath(path)
          ? '/silences/:id/expire'
          : isApprovalPath(path)
            ? '/approvals/:model/…'
            : 'other';
      metrics.httpRequests.inc({ path: known, status });
    });
  });
  const listener = await listenBounded(server, options.host, options.port);
  logger.info({ host: listener.host, port: listener.port }, 'bridge HTTP endpoint listening');
  return listener;
}
