import net from 'node:net';
import tls from 'node:tls';
import { ConfigError } from '../config';
import type { TemporalConfig } from '../config/temporal';
import { temporalConnectionOptions } from './temporal';
import { tlsVerificationFailure } from './tls-verification-failure';

/** How long the diagnosing handshake may take: it runs once, after the real connection failed. */
const PROBE_TIMEOUT_MS = 5_000;

const asBuffer = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes) : undefined);

/**
 * Why a TLS connection to Temporal failed, as the setting a person must change. The SDK's
 * connections say "Failed to connect before the deadline" (Node) or print a Rust transport error
 * (native), so one plain TLS handshake with the same options finds out which check failed.
 * Undefined when TLS is off or the handshake succeeds (the failure lies elsewhere).
 */
export async function explainTemporalTlsError(
  config: TemporalConfig,
  address: string,
): Promise<ConfigError | undefined> {
  const options = await temporalConnectionOptions(config, address).catch(() => undefined);
  if (!options?.tls) return undefined;
  const settings = options.tls === true ? {} : options.tls;
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const failure = await new Promise<ReturnType<typeof tlsVerificationFailure>>((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(address.slice(separator + 1)),
      ca: asBuffer(settings.serverRootCACertificate),
      cert: asBuffer(settings.clientCertPair?.crt),
      key: asBuffer(settings.clientCertPair?.key),
      servername: settings.serverNameOverride ?? (net.isIP(host) ? undefined : host),
      ALPNProtocols: ['h2'],
    });
    const done = (result: ReturnType<typeof tlsVerificationFailure>) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(undefined));
    // An HTTP/2 server speaks first (its SETTINGS): the server accepted us, client certificate too.
    socket.once('data', () => done(undefined));
    socket.once('error', (err) => done(tlsVerificationFailure(err)));
    socket.once('close', () => done(undefined));
  });
  if (!failure) return undefined;
  const at = `Temporal at ${address}`;
  switch (failure.kind) {
    case 'untrusted-chain':
      return new ConfigError([
        `${at} presented a TLS certificate that does not chain to ${
          config.tlsCaPath
            ? `the CA in TEMPORAL_TLS_CA_PATH=${JSON.stringify(config.tlsCaPath)}`
            : "the system's trusted CAs (set TEMPORAL_TLS_CA_PATH for a private CA)"
        } (${failure.detail})`,
      ]);
    case 'outside-validity':
      return new ConfigError([`${at} presented a TLS certificate outside its validity (${failure.detail})`]);
    case 'wrong-host':
      return new ConfigError([
        config.tlsServerName
          ? `${at} presented a TLS certificate that does not carry TEMPORAL_TLS_SERVER_NAME=${config.tlsServerName} (${failure.detail})`
          : `${at} presented a TLS certificate for another name (${failure.detail}): set TEMPORAL_TLS_SERVER_NAME to a name it carries`,
      ]);
    case 'client-certificate-refused':
      return new ConfigError([
        config.tlsCertPath
          ? `${at} refused the client certificate in TEMPORAL_TLS_CERT_PATH=${JSON.stringify(config.tlsCertPath)} (${failure.detail})`
          : `${at} requires a client certificate (${failure.detail}): set TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH`,
      ]);
  }
}
