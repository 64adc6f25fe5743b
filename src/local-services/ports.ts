import net from 'node:net';
import { LocalServiceError } from './errors';

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails with an actionable message when the port is already taken. */
export async function assertPortFree(port: number, what: string, setting: string): Promise<void> {
  if (await isPortOpen(port)) {
    throw new LocalServiceError(
      `Port ${port} on 127.0.0.1 is already in use, so the local ${what} cannot start. ` +
        `Stop whatever listens there, or set ${setting} to a free port.`,
    );
  }
}

/** A port the OS says is free right now on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** LOCAL_*_PORT settings on ports free right now: a local stack of its own beside any other. */
export async function freeLocalServicePorts(): Promise<Record<string, string>> {
  return {
    LOCAL_TEMPORAL_PORT: String(await findFreePort()),
    LOCAL_TEMPORAL_UI_PORT: String(await findFreePort()),
    LOCAL_KAFKA_PORT: String(await findFreePort()),
    LOCAL_POSTGRES_PORT: String(await findFreePort()),
  };
}

export interface WaitOptions {
  timeoutMs: number;
  /** Stops waiting early, e.g. when the process being waited for has exited. */
  abortReason?: () => string | undefined;
}

/** Polls until `check` resolves true, or fails with `what` in the message. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted) throw new LocalServiceError(`${what}: ${aborted}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new LocalServiceError(`${what}: not ready after ${options.timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
