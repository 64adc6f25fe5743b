import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { isBrokerOutage } from '../../src/clients/kafkajs/broker-outage';

/** kafkajs's error classes as its JavaScript builds them (its typings omit some constructor arguments). */
function kafkajsError(ErrorClass: unknown, ...args: unknown[]): Error {
  return new (ErrorClass as new (...a: unknown[]) => Error)(...args);
}

describe('isBrokerOutage: which consumer crashes the bridge recovers from by itself', () => {
  it('recognises the coordinator lookup kafkajs gives up on after a slow broker restart', () => {
    // As kafkajs's retrier wraps it (src/retry/index.js): the original error travels as the cause.
    const cause = kafkajsError(KafkaJSGroupCoordinatorNotFound, 'Failed to find group coordinator');
    const crash = kafkajsError(KafkaJSNonRetriableError, cause, { cause });
    expect(isBrokerOutage(crash)).toBe(true);
  });

  it('recognises connection failures and exhausted retries', () => {
    expect(isBrokerOutage(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(true);
    const exhausted = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(isBrokerOutage(exhausted)).toBe(true);
  });

  it('leaves mistakes a person must fix to the process supervisor', () => {
    const authentication = kafkajsError(KafkaJSSASLAuthenticationError, 'SASL PLAIN authentication failed');
    expect(isBrokerOutage(authentication)).toBe(false);
    expect(isBrokerOutage(new KafkaJSNonRetriableError('Topic authorization failed'))).toBe(false);
    expect(isBrokerOutage(new Error('something else'))).toBe(false);
    expect(isBrokerOutage('not an error')).toBe(false);
  });

  it('stops at a cyclic cause chain', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(isBrokerOutage(a)).toBe(false);
  });
});
