/**
 * An unsecured JWT (`alg: none`), the kind Kafka's default OAUTHBEARER validator accepts: enough
 * to exercise the SASL exchange against a local broker; a real deployment uses signed tokens.
 */
export function unsecuredJwt(subject: string, lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: subject, iat: now, exp: now + lifetimeSeconds })}.`;
}
