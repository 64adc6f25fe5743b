import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { ValueError } from '@temporalio/common';
import {
  classifyTemporalError,
  RejectedDeliveryError,
  TransientDeliveryError,
} from '../../src/bridge/temporal-delivery';
import { ConfigError, loadConfig } from '../../src/config';

/** The shape grpc-js gives a failed call. */
function grpcError(code: number, details: string) {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { get: () => [] } });
}

describe('classifyTemporalError: retry later or dead-letter', () => {
  it('dead-letters what Temporal refuses as invalid (retrying cannot help)', () => {
    const raw = classifyTemporalError(grpcError(3, 'payload exceeds size limit'));
    expect(raw).toBeInstanceOf(RejectedDeliveryError);
    expect(raw.message).toContain('payload exceeds size limit');
    expect(
      classifyTemporalError(new ServiceError('Failed to start Workflow', { cause: grpcError(3, 'bad') })),
    ).toBeInstanceOf(RejectedDeliveryError);
    expect(classifyTemporalError(new ValueError('cannot encode BigInt'))).toBeInstanceOf(
      RejectedDeliveryError,
    );
  });

  it.each([
    ['unavailable', grpcError(14, 'connection refused')],
    ['deadline exceeded', grpcError(4, 'deadline')],
    ['resource exhausted', grpcError(8, 'rate limited')],
    [
      'namespace not found (a configuration problem an operator fixes)',
      new WorkflowNotFoundError('namespace', 'x', undefined),
    ],
    ['an unknown error', new Error('socket hang up')],
  ])('retries %s instead of dropping the event', (_what, err) => {
    expect(classifyTemporalError(err)).toBeInstanceOf(TransientDeliveryError);
  });
});

describe('bridge settings', () => {
  it('rejects an initial retry delay above the cap, naming both variables', () => {
    expect(() =>
      loadConfig({ BRIDGE_RETRY_INITIAL_DELAY_MS: '60000', BRIDGE_RETRY_MAX_DELAY_MS: '1000' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ BRIDGE_RETRY_INITIAL_DELAY_MS: '60000', BRIDGE_RETRY_MAX_DELAY_MS: '1000' }),
    ).toThrow(/BRIDGE_RETRY_INITIAL_DELAY_MS.*BRIDGE_RETRY_MAX_DELAY_MS/);
  });

  it('has working defaults', () => {
    expect(loadConfig({}).bridge).toEqual(
      expect.objectContaining({
        maxInFlight: 32,
        newGroupStart: 'earliest',
        maxMessageBytes: 1_048_576,
        partitionBufferBytes: 4 * 1_048_576,
        httpHost: '127.0.0.1',
      }),
    );
  });
});
