import { callHttpBackend, HttpBackendTarget, parseReply } from '../../src/backends/http/http-backend';
import { z } from 'zod';
import { startFakeHttpServer } from '../helpers/fake-http-server';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

describe('HTTP backend calls', () => {
  it('keeps a base path prefix and encodes path segments', async () => {
    const server = await startFakeHttpServer(() => ({ status: 200, body: { ok: true } }));
    try {
      const target: HttpBackendTarget = {
        label: 'test service',
        baseUrl: `${server.url}/api/v1`,
        timeoutMs: 5_000,
      };
      await callHttpBackend(target, { method: 'GET', path: ['jobs', 'a/b c'], query: { q: "name='x'" } });
      expect(server.requests[0].path).toBe('/api/v1/jobs/a%2Fb%20c');
      expect(server.requests[0].query.get('q')).toBe("name='x'");
    } finally {
      await server.close();
    }
  });

  it('a backend slower than the timeout is a retryable failure', async () => {
    const server = await startFakeHttpServer(
      () => new Promise((r) => setTimeout(() => r({ status: 200 }), 2_000)),
    );
    try {
      const target: HttpBackendTarget = { label: 'slow service', baseUrl: server.url, timeoutMs: 200 };
      await expect(callHttpBackend(target, { method: 'GET', path: ['x'] })).rejects.toMatchObject({
        type: 'BackendUnavailable',
        nonRetryable: false,
        message: expect.stringMatching(/slow service unreachable .*request timed out/),
      });
    } finally {
      await server.close();
    }
  });

  it('an answer outside the contract is a non-retryable protocol error quoting the body', async () => {
    const server = await startFakeHttpServer(() => ({ status: 200, body: '<html>login page</html>' }));
    try {
      const target: HttpBackendTarget = { label: 'training service', baseUrl: server.url, timeoutMs: 5_000 };
      const reply = await callHttpBackend(target, { method: 'GET', path: ['jobs', '1'] });
      expect(() => parseReply(target, reply, z.object({ status: z.string() }))).toThrow(
        expect.objectContaining({
          type: 'BackendProtocolError',
          nonRetryable: true,
          message: expect.stringContaining('login page'),
        }),
      );
    } finally {
      await server.close();
    }
  });

  it('429 is retryable, 422 is not', async () => {
    let status = 429;
    const server = await startFakeHttpServer(() => ({ status, body: { error: 'nope' } }));
    try {
      const target: HttpBackendTarget = { label: 'service', baseUrl: server.url, timeoutMs: 5_000 };
      await expect(callHttpBackend(target, { method: 'POST', body: {} })).rejects.toMatchObject({
        nonRetryable: false,
      });
      status = 422;
      await expect(callHttpBackend(target, { method: 'POST', body: {} })).rejects.toMatchObject({
        nonRetryable: true,
        message: expect.stringContaining('HTTP 422'),
      });
    } finally {
      await server.close();
    }
  });
});
