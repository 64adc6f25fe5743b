import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may POST to the HTTP way in. It acts on production models, so: a bearer token when one is
 * configured (compared in constant time); JSON bodies only, so a web page cannot send a "simple"
 * cross-site form or text/plain request; no browser requests at all (an Origin header); and on a
 * loopback address without a token, a Host that names loopback, so a page that rebinds its DNS
 * name to 127.0.0.1 is refused.
 */
export interface HttpGuardOptions {
  token?: string;
  /** Bound to a loopback address (the token is then optional). */
  loopback: boolean;
}

export interface GuardRefusal {
  status: 401 | 403 | 415;
  code: string;
  detail: string;
}

const JSON_TYPES = /^application\/(json|cloudevents\+json|[a-z0-9.+-]+\+json)\s*(;|$)/i;
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i;

const digest = (text: string) => createHash('sha256').update(text).digest();

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  // Equal-length digests: the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(given), digest(token));
}

/** Why a POST is refused before its body is read; undefined when it may go on. */
export function refusePost(req: IncomingMessage, options: HttpGuardOptions): GuardRefusal | undefined {
  if (req.headers.origin !== undefined) {
    return {
      status: 403,
      code: 'forbidden',
      detail: 'requests from web pages (an Origin header) are not accepted',
    };
  }
  if (options.token !== undefined && !tokenMatches(req.headers.authorization, options.token)) {
    return {
      status: 401,
      code: 'unauthorized',
      detail: 'send the ingest token as Authorization: Bearer <BRIDGE_HTTP_TOKEN>',
    };
  }
  if (options.token === undefined && options.loopback && !LOOPBACK_HOST.test(req.headers.host ?? '')) {
    return {
      status: 403,
      code: 'forbidden',
      detail: `Host ${JSON.stringify(req.headers.host ?? '')} is not this machine: without BRIDGE_HTTP_TOKEN only loopback names are accepted`,
    };
  }
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPES.test(type)) {
    return {
      status: 415,
      code: 'unsupported_media_type',
      detail: `Content-Type ${JSON.stringify(type)} is not accepted: send application/json or application/cloudevents+json`,
    };
  }
  return undefined;
}
