import { z } from 'zod';

/**
 * HTTP client of the person detector, an external GPU service. The contract (README,
 * "Detector HTTP contract"):
 *   GET  /health  → 200 {"status":"ok"}
 *   POST /warmup  → 200 {"model":"…","version":"…","device":"…"}   (loads the model; idempotent)
 *   POST /detect  {"frames":[{"frame":1,"image":"<base64 JPEG>"}]}
 *                 → 200 {"results":[{"frame":1,"detections":[{"label":"person","confidence":0.9,
 *                                    "box":{"x":0,"y":0,"width":10,"height":20}}]}]}
 *                 → 507 {"error":"gpu_out_of_memory","message":"…"} when the batch does not fit
 * Transport only: it reports what went wrong as a DetectorError kind; callers decide retries.
 */

/** What went wrong, in terms a caller can act on. */
export type DetectorErrorKind =
  /** The GPU could not hold the batch: a smaller batch may work, the same one will not. */
  | 'out_of_memory'
  /** 200 but not the documented JSON: worth retrying (a proxy hiccup, a half-written body). */
  | 'malformed_response'
  /** No answer, connection refused, timeout, 5xx: worth retrying. */
  | 'unavailable'
  /** 4xx: the detector refuses this request; the same request will be refused again. */
  | 'rejected';

export class DetectorError extends Error {
  constructor(
    readonly kind: DetectorErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DetectorError';
  }
}

export interface DetectorModelInfo {
  model: string;
  version?: string;
  device?: string;
}

export interface DetectorFrame {
  /** 1-based frame number within the video. */
  frame: number;
  jpeg: Buffer;
}

export interface DetectedObject {
  label: string;
  confidence: number;
  box: { x: number; y: number; width: number; height: number };
}

export interface FrameDetections {
  frame: number;
  detections: DetectedObject[];
}

export interface DetectorClient {
  health(signal?: AbortSignal): Promise<void>;
  warmUp(signal?: AbortSignal): Promise<DetectorModelInfo>;
  /** One result per frame sent, in the order sent. */
  detect(frames: DetectorFrame[], signal?: AbortSignal): Promise<FrameDetections[]>;
}

const EXCERPT_CHARS = 200;

const modelInfoSchema = z.object({
  model: z.string().min(1),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  device: z.string().optional(),
});

const detectResponseSchema = z.object({
  results: z.array(
    z.object({
      frame: z.number().int(),
      detections: z.array(
        z.object({
          label: z.string().min(1).default('person'),
          confidence: z.number().min(0).max(1),
          box: z.object({
            x: z.number(),
            y: z.number(),
            width: z.number().min(0),
            height: z.number().min(0),
          }),
        }),
      ),
    }),
  ),
});

/** The first characters of a body, on one line, for error messages a person reads. */
export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function isOutOfMemory(status: number, body: string): boolean {
  if (status === 507) return true;
  // PyTorch / CUDA servers often answer a plain 500 with the exception text.
  return status >= 500 && /gpu_out_of_memory|out of memory/i.test(body);
}

function parseJson<T>(what: string, status: number, body: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new DetectorError(
      'malformed_response',
      `detector answered ${what} with HTTP ${status} but the body is not JSON; response begins: "${excerpt(body)}"`,
      status,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw new DetectorError(
      'malformed_response',
      `detector answered ${what} with JSON that does not follow the contract (${problems}); response begins: "${excerpt(body)}"`,
      status,
    );
  }
  return parsed.data;
}

/** A detector client for `baseUrl`; every request gives up after `timeoutMs`. */
export function createDetectorClient(baseUrl: string, options: { timeoutMs: number }): DetectorClient {
  const root = baseUrl.replace(/\/+$/, '');

  async function request(method: 'GET' | 'POST', route: string, body: unknown, signal?: AbortSignal) {
    const what = `${method} ${route}`;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${root}${route}`, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
      });
      text = await response.text();
    } catch (err) {
      // The caller's own abort (cancellation) is not a detector problem: let it through as is.
      if (signal?.aborted) throw err;
      if (timeout.aborted) {
        throw new DetectorError(
          'unavailable',
          `detector gave no answer to ${what} within ${options.timeoutMs / 1000}s`,
        );
      }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new DetectorError('unavailable', `detector at ${root} is unreachable (${what}): ${reason}`);
    }
    if (response.ok) return { status: response.status, text, what };
    if (isOutOfMemory(response.status, text)) {
      throw new DetectorError(
        'out_of_memory',
        `detector ran out of GPU memory (${what}, HTTP ${response.status}): ${excerpt(text)}`,
        response.status,
      );
    }
    const kind: DetectorErrorKind =
      response.status >= 500 || response.status === 429 ? 'unavailable' : 'rejected';
    throw new DetectorError(
      kind,
      `detector answered ${what} with HTTP ${response.status}: ${excerpt(text)}`,
      response.status,
    );
  }

  return {
    async health(signal) {
      await request('GET', '/health', undefined, signal);
    },

    async warmUp(signal) {
      const { status, text, what } = await request('POST', '/warmup', {}, signal);
      return parseJson(what, status, text, modelInfoSchema);
    },

    async detect(frames, signal) {
      const payload = { frames: frames.map((f) => ({ frame: f.frame, image: f.jpeg.toString('base64') })) };
      const { status, text, what } = await request('POST', '/detect', payload, signal);
      const { results } = parseJson(what, status, text, detectResponseSchema);
      const byFrame = new Map(results.map((r) => [r.frame, r]));
      const missing = frames.filter((f) => !byFrame.has(f.frame)).map((f) => f.frame);
      if (missing.length > 0) {
        throw new DetectorError(
          'malformed_response',
          `detector answered ${what} without results for frame(s) ${missing.slice(0, 10).join(', ')}; response begins: "${excerpt(text)}"`,
          status,
        );
      }
      return frames.map((f) => byFrame.get(f.frame)!);
    },
  };
}
