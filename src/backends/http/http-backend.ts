import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { scrubCredentialPatterns } from '../../redaction/secret-scrubber';
import {
  BACKEND_PROTOCOL_FAILURE,
  BACKEND_REJECTED_FAILURE,
  BACKEND_UNAVAILABLE_FAILURE,
} from '../../contracts/backend-failures';

/** One HTTP backend: where it is and how to talk about it in errors. */
export interface HttpBackendTarget {
  /** What the backend is, for messages: "training service", "alert webhook". */
  label: string;
  baseUrl: string;
  /** The URL itself is a credential (a Slack webhook): it never appears in a message. */
  secretUrl?: boolean;
  timeoutMs: number;
  headers?: Record<string, string>;
}

export interface HttpBackendCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path segments below the base URL; each is percent-encoded. */
  path?: string[];
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses besides 2xx the caller handles itself (e.g. 404 = "no such alias"). */
  accept?: number[];
  /** Aborting it (activity cancellation) aborts the request. */
  signal?: AbortSignal;
}

export interface HttpBackendReply {
  status: number;
  text: string;
}

const EXCERPT_CHARS = 300;

/** The first few hundred characters of a response body, on one line. */
export function bodyExcerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > EXCERPT_CHARS ? `${oneLine.slice(0, EXCERPT_CHARS)}…` : oneLine || '(empty body)';
}

/** base + encoded segments + query; a base path prefix (http://host/api) is kept. */
export function backendUrl(baseUrl: string, path: string[] = [], query: Record<string, string> = {}): URL {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  // No segments: the URL exactly as configured (a webhook URL must not gain a trailing slash).
  const url = path.length === 0 ? new URL(baseUrl) : new URL(path.map(encodeURIComponent).join('/'), base);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

function describeRequest(target: HttpBackendTarget, call: HttpBackendCall, url: URL): string {
  if (target.secretUrl) return `${call.method} to the ${target.label}`;
  return `${call.method} ${scrubCredentialPatterns(url.toString())}`;
}

function causeOf(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'request timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

// Statuses that say "not now" rather than "never".
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/**
 * Sends one request and classifies the outcome: unreachable, timeout, 5xx, 408 and 429 are
 * retryable failures; any other non-2xx status the caller did not accept is non-retryable and
 * carries the status and an excerpt of the body. Caller cancellation is rethrown as is.
 */
export async function callHttpBackend(
  target: HttpBackendTarget,
  call: HttpBackendCall,
): Promise<HttpBackendReply> {
  const url = backendUrl(target.baseUrl, call.path, call.query);
  const what = describeRequest(target, call, url);
  const timeout = AbortSignal.timeout(target.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json', ...target.headers, ...call.headers };
  if (call.body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (err) {
    if (call.signal?.aborted) throw err;
    throw ApplicationFailure.retryable(
      `${target.label} unreachable (${what}): ${causeOf(err)}`,
      BACKEND_UNAVAILABLE_FAILURE,
    );
  }

  const { status } = response;
  if ((status >= 200 && status < 300) || call.accept?.includes(status)) return { status, text };
  const message = `${target.label} answered HTTP ${status} to ${what}: ${bodyExcerpt(text)}`;
  if (status >= 500 || RETRYABLE_STATUSES.has(status)) {
    throw ApplicationFailure.create({ message, type: BACKEND_UNAVAILABLE_FAILURE, details: [{ status }] });
  }
  throw ApplicationFailure.create({
    message,
    type: BACKEND_REJECTED_FAILURE,
    nonRetryable: true,
    details: [{ status, excerpt: bodyExcerpt(text) }],
  });
}

/** Parses a reply body against the documented contract; a mismatch is a non-retryable protocol error. */
export function parseReply<T>(target: HttpBackendTarget, reply: HttpBackendReply, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = reply.text.trim() === '' ? {} : JSON.parse(reply.text);
  } catch {
    throw ApplicationFailure.nonRetryable(
      `${target.label} answered something that is not JSON: ${bodyExcerpt(reply.text)}`,
      BACKEND_PROTOCOL_FAILURE,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw ApplicationFailure.nonRetryable(
      `${target.label} answered outside its contract (${problem}): ${bodyExcerpt(reply.text)}`,
      BACKEND_PROTOCOL_FAILURE,
    );
  }
  return parsed.data;
}
