/** Node's codes for a certificate chain that does not lead to a trusted CA. */
const UNTRUSTED_CHAIN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

export type TlsVerificationFailure =
  | 'untrusted-chain'
  | 'outside-validity'
  | 'wrong-host'
  /** The server's TLS alert after our certificate, or its absence, did not satisfy it. */
  | 'client-certificate-refused';

function failureOf(err: NodeJS.ErrnoException): { kind: TlsVerificationFailure; detail: string } | undefined {
  const code = err.code ?? '';
  const detail = (err.message ?? '').trim();
  if (UNTRUSTED_CHAIN.has(code)) return { kind: 'untrusted-chain', detail };
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return { kind: 'outside-validity', detail };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'wrong-host', detail };
  // OpenSSL's own text around the alert (library, file and line) helps nobody.
  const alert = /alert (bad certificate|certificate required|unknown ca)/i.exec(detail);
  if (alert) return { kind: 'client-certificate-refused', detail: `TLS alert from the server: ${alert[1]}` };
  return undefined;
}

/**
 * Which TLS verification failed, if `err` (or an error it wraps: kafkajs and pg wrap the socket's)
 * is one; with the message that says it. Client libraries report these in words that name
 * neither the server nor the setting to change.
 */
export function tlsVerificationFailure(
  err: unknown,
): { kind: TlsVerificationFailure; detail: string } | undefined {
  let current = err as (NodeJS.ErrnoException & { cause?: unknown }) | undefined;
  for (let depth = 0; current && depth < 5; depth++, current = current.cause as typeof current) {
    const failure = failureOf(current);
    if (failure) return failure;
  }
  return undefined;
}
