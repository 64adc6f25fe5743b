import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type FakeHttpServer, type FakeReply, startFakeHttpServer } from './fake-http-server';

/**
 * An alert receiver (a webhook) that answers with `replies` in order, then the last one for ever:
 * `[500, 200]` is a receiver that fails once, `[400]` one that refuses everything.
 */
export async function startScriptedReceiver(
  replies: FakeReply[],
): Promise<FakeHttpServer & { hookUrl: string; script(next: FakeReply[]): void }> {
  let script = [...replies];
  const server = await startFakeHttpServer(() => (script.length > 1 ? script.shift()! : script[0]));
  return {
    ...server,
    // A secret-looking path, as real webhook URLs carry their token.
    hookUrl: `${server.url}/hooks/token-9f8e7d6c5b4a`,
    script: (next) => (script = [...next]),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
  subject: string;
}

export interface FakeSmtpServer {
  host: string;
  port: number;
  mails: ReceivedMail[];
  /** Refuse every message with a 5xx from now on (`false` to accept again). */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

/** A real SMTP server (the smtp-server package) on 127.0.0.1 that wants a login and keeps every mail. */
export async function startFakeSmtpServer(user: string, password: string): Promise<FakeSmtpServer> {
  const mails: ReceivedMail[] = [];
  let refusing = false;
  const server = new SMTPServer({
    // Plain text on loopback: no certificate to make, and nodemailer logs in without STARTTLS.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusing) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw,
          subject: /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1].replace(/\r\n[ \t]/g, ' ') ?? '',
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    host: '127.0.0.1',
    port,
    mails,
    refuse: (r) => (refusing = r),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
