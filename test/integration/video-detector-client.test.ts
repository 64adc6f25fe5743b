import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { createDetectorClient, DetectorError, DetectorFrame } from '../../src/clients/detector';
import { detectorFailure } from '../../src/activities/video/detector-failures';
import { findFreePort } from '../../src/local-services/ports';
import { FakeDetectorServer, startFakeDetectorServer } from '../helpers/fake-detector-server';

/**
 * The detector HTTP contract from our side: real requests to small real servers on 127.0.0.1
 * (the test detector, and one-off servers answering what a broken detector might answer).
 */

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
const frames = (...numbers: number[]): DetectorFrame[] => numbers.map((frame) => ({ frame, jpeg: JPEG }));

/** A server that answers every request with the given status and body. */
async function answering(
  status: number,
  body: string,
  delayMs = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    req.resume();
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function errorOf(promise: Promise<unknown>): Promise<DetectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DetectorError);
    return err as DetectorError;
  }
  throw new Error('expected a DetectorError');
}

describe('detector HTTP client', () => {
  let detector: FakeDetectorServer;

  beforeAll(async () => {
    detector = await startFakeDetectorServer();
  });
  afterAll(async () => {
    await detector.close();
  });

  it('warms the model up and detects a batch, one result per frame in the order sent', async () => {
    const client = createDetectorClient(detector.url, { timeoutMs: 5_000 });
    await client.health();
    expect(await client.warmUp()).toEqual({ model: 'fake-person-detector', version: '1.0', device: 'cpu' });
    const results = await client.detect(frames(5, 4, 1));
    expect(results.map((r) => r.frame)).toEqual([5, 4, 1]);
    expect(results[0].detections.filter((d) => d.label === 'person')).toHaveLength(2);
    // Frame 4 has a person and a car: the client keeps everything, the activity keeps persons.
    expect(results[1].detections.map((d) => d.label)).toEqual(['person', 'car']);
  });

  it('reports GPU out of memory as its own kind, for 507 and for a CUDA error text', async () => {
    detector.behaviour.oomAboveBatchSize = 1;
    try {
      const oom = await errorOf(
        createDetectorClient(detector.url, { timeoutMs: 5_000 }).detect(frames(1, 2)),
      );
      expect(oom.kind).toBe('out_of_memory');
      expect(oom.status).toBe(507);
    } finally {
      detector.behaviour.oomAboveBatchSize = Infinity;
    }
    const torch = await answering(500, 'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB');
    try {
      const err = await errorOf(createDetectorClient(torch.url, { timeoutMs: 5_000 }).detect(frames(1)));
      expect(err.kind).toBe('out_of_memory');
      const failure = detectorFailure(err) as ApplicationFailure;
      expect(failure.type).toBe('GpuOutOfMemory');
      expect(failure.nonRetryable).toBe(true);
    } finally {
      await torch.close();
    }
  });

  it('calls a 200 that is not the contract malformed (retryable), quoting the start of the answer', async () => {
    const html = await answering(200, '<html><body>upstream proxy error</body></html>');
    const partial = await answering(200, JSON.stringify({ results: [{ frame: 1, detections: [] }] }));
    const wrongShape = await answering(
      200,
      JSON.stringify({ results: [{ frame: 1, detections: [{ label: 'person', confidence: 7 }] }] }),
    );
    try {
      const notJson = await errorOf(createDetectorClient(html.url, { timeoutMs: 5_000 }).detect(frames(1)));
      expect(notJson.kind).toBe('malformed_response');
      expect(notJson.message).toContain('response begins: "<html><body>upstream proxy error</body></html>"');
      const failure = detectorFailure(notJson) as ApplicationFailure;
      expect(failure.type).toBe('DetectorMalformedResponse');
      expect(failure.nonRetryable).toBe(false);

      const missing = await errorOf(
        createDetectorClient(partial.url, { timeoutMs: 5_000 }).detect(frames(1, 2)),
      );
      expect(missing.kind).toBe('malformed_response');
      expect(missing.message).toMatch(/without results for frame\(s\) 2/);

      const shape = await errorOf(
        createDetectorClient(wrongShape.url, { timeoutMs: 5_000 }).detect(frames(1)),
      );
      expect(shape.kind).toBe('malformed_response');
      expect(shape.message).toMatch(/does not follow the contract/);
    } finally {
      await Promise.all([html.close(), partial.close(), wrongShape.close()]);
    }
  });

  it('tells a detector that is away (retry) from one that refuses the request (do not retry)', async () => {
    const busy = await answering(503, '{"error":"model loading"}');
    const refusing = await answering(400, '{"error":"bad image"}');
    const slow = await answering(200, '{}', 2_000);
    try {
      expect(
        (await errorOf(createDetectorClient(busy.url, { timeoutMs: 5_000 }).detect(frames(1)))).kind,
      ).toBe('unavailable');
      const refused = await errorOf(
        createDetectorClient(refusing.url, { timeoutMs: 5_000 }).detect(frames(1)),
      );
      expect(refused.kind).toBe('rejected');
      expect((detectorFailure(refused) as ApplicationFailure).nonRetryable).toBe(true);
      const timedOut = await errorOf(createDetectorClient(slow.url, { timeoutMs: 300 }).detect(frames(1)));
      expect(timedOut.kind).toBe('unavailable');
      expect(timedOut.message).toMatch(/no answer to POST \/detect within 0.3s/);
      const nobody = await errorOf(
        createDetectorClient(`http://127.0.0.1:${await findFreePort()}`, { timeoutMs: 5_000 }).warmUp(),
      );
      expect(nobody.kind).toBe('unavailable');
      expect(nobody.message).toMatch(/unreachable.*ECONNREFUSED/);
    } finally {
      await Promise.all([busy.close(), refusing.close(), slow.close()]);
    }
  });

  it('lets a cancellation through as it is, not as a detector problem', async () => {
    const slow = await answering(200, '{}', 2_000);
    try {
      const controller = new AbortController();
      const pending = createDetectorClient(slow.url, { timeoutMs: 5_000 }).detect(
        frames(1),
        controller.signal,
      );
      controller.abort(new Error('job cancelled'));
      await expect(pending).rejects.toThrow('job cancelled');
      await expect(pending).rejects.not.toBeInstanceOf(DetectorError);
    } finally {
      await slow.close();
    }
  });
});
