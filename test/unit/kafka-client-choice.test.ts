import { loadConfig } from '../../src/config';
import { kafkaClientRuntimeProblem } from '../../src/config/kafka';
import { isPlatformaticOutage } from '../../src/clients/platformatic/platformatic-outage';

describe('KAFKA_CLIENT', () => {
  it('defaults to kafkajs and accepts platformatic or kafkajs only', () => {
    expect(loadConfig({}).kafka.client).toBe('kafkajs');
    expect(() => loadConfig({ KAFKA_CLIENT: 'librdkafka' })).toThrow(
      'KAFKA_CLIENT="librdkafka" is invalid: expected kafkajs or platformatic',
    );
  });

  it.each([
    ['20.20.2', false],
    ['22.21.9', false],
    ['22.22.0', true],
    ['22.23.5', true],
    ['24.6.0', true],
  ])('platformatic on Node %s runs: %s', (version, runs) => {
    const problem = kafkaClientRuntimeProblem('platformatic', version);
    if (runs) expect(problem).toBeUndefined();
    else
      expect(problem).toBe(
        `KAFKA_CLIENT=platformatic needs Node.js >= 22.22 (this process runs ${version}): run on a newer Node.js, or set KAFKA_CLIENT=kafkajs`,
      );
    expect(kafkaClientRuntimeProblem('kafkajs', version)).toBeUndefined();
  });

  it('refuses to start with platformatic on this Node.js when it is too old', () => {
    const tooOld = kafkaClientRuntimeProblem('platformatic', process.versions.node);
    if (tooOld) expect(() => loadConfig({ KAFKA_CLIENT: 'platformatic' })).toThrow(tooOld);
    else expect(loadConfig({ KAFKA_CLIENT: 'platformatic' }).kafka.client).toBe('platformatic');
  });
});

describe('@platformatic/kafka errors that mean an outage', () => {
  // The library's errors by their shape (code, canRetry, errors, cause), as it builds them.
  const network = { code: 'PLT_KFK_NETWORK', message: 'Connection closed', canRetry: true };
  const coordinator = { code: 'PLT_KFK_PROTOCOL', apiId: 'COORDINATOR_NOT_AVAILABLE', canRetry: true };
  const unknownTopic = { code: 'PLT_KFK_PROTOCOL', apiId: 'TOPIC_AUTHORIZATION_FAILED', canRetry: false };

  it('recognises network errors and retriable broker answers, also inside aggregated errors', () => {
    expect(isPlatformaticOutage(network)).toBe(true);
    expect(isPlatformaticOutage({ code: 'PLT_KFK_RESPONSE', errors: [coordinator] })).toBe(true);
    expect(
      isPlatformaticOutage({ code: 'PLT_KFK_USER', cause: { code: 'PLT_KFK_MULTIPLE', errors: [network] } }),
    ).toBe(true);
  });

  it('never retries authentication, authorisation or unrelated errors', () => {
    expect(isPlatformaticOutage({ code: 'PLT_KFK_AUTHENTICATION', cause: network })).toBe(false);
    expect(isPlatformaticOutage({ code: 'PLT_KFK_RESPONSE', errors: [unknownTopic] })).toBe(false);
    expect(isPlatformaticOutage(new Error('boom'))).toBe(false);
    expect(isPlatformaticOutage(undefined)).toBe(false);
  });

  it('stops at a cyclic cause chain', () => {
    const cyclic: { code: string; cause?: unknown } = { code: 'PLT_KFK_USER' };
    cyclic.cause = cyclic;
    expect(isPlatformaticOutage(cyclic)).toBe(false);
  });
});
