import http from 'node:http';
import { driftEvent, useInProcessBridge } from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';

const TOKEN = 'a-long-ingest-token-for-tests';

/** One raw request, so the test controls every header and how the body is sent. */
function request(
  port: number,
  headers: Record<string, string>,
  body: string | string[],
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/events', method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    // An array is sent chunk by chunk (Transfer-Encoding: chunked), with no Content-Length.
    for (const chunk of Array.isArray(body) ? body : [body]) req.write(chunk);
    req.end();
  });
}

/** The HTTP way in with a token on the real stack: who gets through, and a chunked oversize body. */
describe('HTTP way in: authenticated and bounded (real Kafka + Temporal)', () => {
  const world = useInProcessBridge({ env: { BRIDGE_HTTP_TOKEN: TOKEN, BRIDGE_MAX_MESSAGE_BYTES: '4096' } });
  const port = () => world.running.bridge.http!.port;
  const json = { 'content-type': 'application/json' };

  it('accepts an event only with the bearer token and a JSON body', async () => {
    const event = JSON.stringify(driftEvent(uniqueName('http-auth')));
    const without = await request(port(), json, event);
    expect(without.status).toBe(401);
    expect(without.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(without.body).detail).not.toContain(TOKEN);
    expect((await request(port(), { ...json, authorization: 'Bearer not-the-token' }, event)).status).toBe(
      401,
    );
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await request(port(), { ...auth, 'content-type': 'text/plain' }, event)).status).toBe(415);
    expect((await request(port(), { ...auth, ...json, origin: 'https://evil.example' }, event)).status).toBe(
      403,
    );
    expect((await request(port(), { ...auth, ...json }, event)).status).toBe(202);
  });

  it('answers 413 to a chunked body over the limit instead of resetting the connection', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, ...json };
    const chunks = Array.from({ length: 8 }, () => 'x'.repeat(1024));
    const res = await request(port(), auth, chunks);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toBe('oversized');
  });
});
