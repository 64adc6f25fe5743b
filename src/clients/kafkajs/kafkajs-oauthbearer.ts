import { AuthenticationProviderArgs, Authenticator, KafkaJSSASLAuthenticationError } from 'kafkajs';

const SOH = '\u0001';

// Not retried by kafkajs (a refused token stays refused). Its typings omit the message argument
// the class takes.
const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

/** SASL bytes as the Kafka protocol carries them: a 32-bit length, then the bytes. */
function sized(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
}

function unsized(raw: Buffer): string {
  if (raw.length < 4) return '';
  const length = raw.readInt32BE(0);
  return length > 0 ? raw.subarray(4, 4 + length).toString('utf8') : '';
}

/** The broker's RFC 7628 error: `{"status":"invalid_token", …}`, or its raw text. */
function refusal(challenge: string): string {
  try {
    const { status, scope } = JSON.parse(challenge) as { status?: string; scope?: string };
    return [status && `status ${status}`, scope && `scope ${scope}`].filter(Boolean).join(', ') || challenge;
  } catch {
    return challenge;
  }
}

/**
 * SASL/OAUTHBEARER (RFC 7628) that reads the broker's answer. kafkajs's own takes any answer as
 * success, so a refused token showed up later as "No brokers in the broker pool"; a broker that
 * refuses a token answers with an error document and waits for the client's final SOH, and this
 * authenticator sends it and fails with what the broker said about the token from `source`.
 */
export function oauthBearerAuthenticator(token: () => Promise<{ value: string }>, source: string) {
  return ({ saslAuthenticate }: AuthenticationProviderArgs): Authenticator => ({
    async authenticate() {
      let value: string;
      try {
        ({ value } = await token());
      } catch (err) {
        throw new SaslAuthenticationError(
          `SASL OAUTHBEARER authentication failed: ${(err as Error).message}`,
        );
      }
      const challenge = await saslAuthenticate<string>({
        request: { encode: () => sized(`n,,${SOH}auth=Bearer ${value}${SOH}${SOH}`) },
        response: { decode: (raw) => raw, parse: (raw) => unsized(raw) },
      }).catch((err: Error) => {
        throw new SaslAuthenticationError(`SASL OAUTHBEARER authentication failed: ${err.message}`);
      });
      if (!challenge) return;
      // The exchange must be finished before the broker gives its verdict (and closes).
      await saslAuthenticate({ request: { encode: () => sized(SOH) } }).catch(() => undefined);
      throw new SaslAuthenticationError(
        `SASL OAUTHBEARER authentication failed: the broker refused the token from ${source} (${refusal(challenge)})`,
      );
    },
  });
}
