import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small real person detector speaking the README's HTTP contract, on 127.0.0.1, for tests and
 * benchmarks: answers GPU out-of-memory (507) above a configurable batch size, can answer
 * malformed JSON, can hold a request until the test releases it, and records every request.
 */

export interface FakeDetectorBehaviour {
  /** Batches with more frames than this get 507 gpu_out_of_memory. Infinity: never. */
  oomAboveBatchSize: number;
  /** Answer 200 with a body that is not JSON (retryable on our side). */
  malformed: boolean;
  /** Added to every /detect answer. */
  delayMs: number;
  /** Called before a /detect batch is answered (after OOM checks); may wait (hold the request). */
  beforeAnswer?: (frames: number[]) => Promise<void> | void;
}

export interface DetectRequestRecord {
  frames: number[];
  outcome: 'ok' | 'oom' | 'malformed' | 'bad-request' | 'aborted';
  /** Time spent answering, including delayMs / beforeAnswer. */
  ms: number;
}

export interface FakeDetectorServer {
  url: string;
  behaviour: FakeDetectorBehaviour;
  requests: DetectRequestRecord[];
  warmups: number;
  /** How often each frame was detected successfully (answered 200 with results). */
  detectedCount(frame: number): number;
  /** Persons the fake reports on a frame: deterministic, so tests know what must be saved. */
  personsOn(frame: number): number;
  close(): Promise<void>;
}

/** 0, 1 or 2 persons depending on the frame number; every 4th frame also has a car. */
export function fakePersonsOn(frame: number): number {
  return frame % 3;
}

function detectionsFor(frame: number) {
  const people = Array.from({ length: fakePersonsOn(frame) }, (_, i) => ({
    label: 'person',
    confidence: 0.9 - i * 0.1,
    box: { x: 10 + i * 40, y: 20, width: 30, height: 80 },
  }));
  const car =
    frame % 4 === 0
      ? [{ label: 'car', confidence: 0.8, box: { x: 100, y: 100, width: 60, height: 30 } }]
      : [];
  return [...people, ...car];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

export async function startFakeDetectorServer(
  behaviour: Partial<FakeDetectorBehaviour> = {},
): Promise<FakeDetectorServer> {
  const state: FakeDetectorServer = {
    url: '',
    behaviour: { oomAboveBatchSize: Infinity, malformed: false, delayMs: 0, ...behaviour },
    requests: [],
    warmups: 0,
    detectedCount: (frame) => detected.get(frame) ?? 0,
    personsOn: fakePersonsOn,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const detected = new Map<number, number>();

  async function detect(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    // The caller gave up (timeout, cancellation, worker gone) before we answered.
    let callerGone = false;
    res.on('close', () => {
      if (!res.writableFinished) callerGone = true;
    });
    const record = (frames: number[], outcome: DetectRequestRecord['outcome']) =>
      state.requests.push({ frames, outcome, ms: Date.now() - started });
    let frames: Array<{ frame: number; image: string }>;
    try {
      frames = (JSON.parse(await readBody(req)) as { frames: Array<{ frame: number; image: string }> })
        .frames;
      if (!Array.isArray(frames) || frames.length === 0) throw new Error('frames must be a non-empty array');
      for (const f of frames) {
        if (!Buffer.from(f.image, 'base64').subarray(0, 3).equals(JPEG_MAGIC))
          throw new Error(`frame ${f.frame} is not a JPEG`);
      }
    } catch (err) {
      record([], 'bad-request');
      send(res, 400, { error: 'bad_request', message: (err as Error).message });
      return;
    }
    const numbers = frames.map((f) => f.frame);
    const b = state.behaviour;
    if (numbers.length > b.oomAboveBatchSize) {
      record(numbers, 'oom');
      send(res, 507, {
        error: 'gpu_out_of_memory',
        message: `CUDA out of memory: batch of ${numbers.length} frames does not fit`,
      });
      return;
    }
    if (b.delayMs > 0) await new Promise((r) => setTimeout(r, b.delayMs));
    await b.beforeAnswer?.(numbers);
    if (callerGone) {
      record(numbers, 'aborted');
      return;
    }
    if (b.malformed) {
      record(numbers, 'malformed');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>502 Bad Gateway from upstream proxy</body></html>');
      return;
    }
    for (const n of numbers) detected.set(n, (detected.get(n) ?? 0) + 1);
    record(numbers, 'ok');
    send(res, 200, { results: numbers.map((frame) => ({ frame, detections: detectionsFor(frame) })) });
  }

  const server = http.createServer((req, res) => {
    const route = `${req.method} ${req.url}`;
    const handle = async () => {
      if (route === 'GET /health') return send(res, 200, { status: 'ok' });
      if (route === 'POST /warmup') {
        await readBody(req);
        state.warmups += 1;
        return send(res, 200, { model: 'fake-person-detector', version: '1.0', device: 'cpu' });
      }
      if (route === 'POST /detect') return detect(req, res);
      send(res, 404, { error: 'not_found', message: route });
    };
    handle().catch((err: Error) => {
      if (!res.headersSent) send(res, 500, { error: 'internal', message: err.message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
