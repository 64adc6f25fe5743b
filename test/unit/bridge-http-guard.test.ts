import type { IncomingMessage } from 'node:http';
import { refusePost } from '../../src/bridge/http-guard';
import { loadConfig } from '../../src/config';

const TOKEN = 'a-long-ingest-token-0123';
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const json = { 'content-type': 'application/json', host: '127.0.0.1:8088' };

describe('who may POST to the HTTP way in', () => {
  it('takes a JSON or CloudEvents body from a loopback client without a token when none is set', () => {
    expect(refusePost(request(json), { loopback: true })).toBeUndefined();
    const ce = { ...json, 'content-type': 'application/cloudevents+json; charset=utf-8' };
    expect(refusePost(request(ce), { loopback: true })).toBeUndefined();
  });

  it.each([
    ['a text/plain body (a cross-site form)', { ...json, 'content-type': 'text/plain' }, 415],
    ['a form body', { ...json, 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['no content type', { host: '127.0.0.1:8088' }, 415],
    ['a request from a web page', { ...json, origin: 'https://evil.example' }, 403],
    ['a Host that is not this machine (DNS rebinding)', { ...json, host: 'evil.example:8088' }, 403],
  ])('refuses %s', (_what, headers, status) => {
    expect(refusePost(request(headers as Record<string, string>), { loopback: true })?.status).toBe(status);
  });

  it('requires the bearer token when one is set, whatever the Host', () => {
    const options = { loopback: false, token: TOKEN };
    expect(refusePost(request({ ...json, host: 'bridge:8088' }), options)?.status).toBe(401);
    expect(refusePost(request({ ...json, authorization: 'Bearer wrong' }), options)?.status).toBe(401);
    expect(refusePost(request({ ...json, authorization: `Basic ${TOKEN}` }), options)?.status).toBe(401);
    expect(
      refusePost(request({ ...json, host: 'bridge:8088', authorization: `Bearer ${TOKEN}` }), options),
    ).toBeUndefined();
  });

  it('refuses to start on a non-loopback address without a token, and says why', () => {
    expect(() => loadConfig({ BRIDGE_HTTP_HOST: '0.0.0.0' })).toThrow(
      /BRIDGE_HTTP_TOKEN is required when BRIDGE_HTTP_HOST="0.0.0.0"/,
    );
    expect(() => loadConfig({ BRIDGE_HTTP_HOST: '0.0.0.0', BRIDGE_HTTP_TOKEN: 'short' })).toThrow(
      /BRIDGE_HTTP_TOKEN is invalid/,
    );
    expect(loadConfig({ BRIDGE_HTTP_HOST: '0.0.0.0', BRIDGE_HTTP_TOKEN: TOKEN }).bridge.httpToken).toBe(
      TOKEN,
    );
    expect(loadConfig({ BRIDGE_HTTP_HOST: '0.0.0.0', BRIDGE_HTTP_ENABLED: 'false' }).bridge.httpEnabled).toBe(
      false,
    );
    expect(loadConfig({}).bridge.httpToken).toBeUndefined();
  });

  it('never shows the token in a configuration error', () => {
    expect(() => loadConfig({ BRIDGE_HTTP_TOKEN: 'short-secret' })).toThrow(/BRIDGE_HTTP_TOKEN is invalid/);
    try {
      loadConfig({ BRIDGE_HTTP_TOKEN: 'short-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short-secret');
    }
  });
});
