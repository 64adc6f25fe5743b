import { FakeHttpServer, startFakeHttpServer } from './fake-http-server';

export interface FakeWebhookServer extends FakeHttpServer {
  /** Answer with this status and text from now on (Slack answers 200 "ok"). */
  respondWith(status: number, text: string): void;
}

/** A Slack-compatible incoming webhook, at a secret-looking path as Slack's are. */
export async function startFakeWebhookServer(): Promise<FakeWebhookServer & { webhookUrl: string }> {
  let reply = { status: 200, body: 'ok' };
  const server = await startFakeHttpServer(() => reply);
  return {
    ...server,
    webhookUrl: `${server.url}/services/T000/B000/s3cr3t-webhook-token`,
    respondWith: (status, text) => (reply = { status, body: text }),
  };
}
