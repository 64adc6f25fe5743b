import { ApplicationFailure } from '@temporalio/common';
import { DetectorError } from '../../clients/detector';
import {
  DETECTOR_MALFORMED_RESPONSE,
  DETECTOR_NOT_CONFIGURED,
  DETECTOR_REJECTED,
  DETECTOR_UNAVAILABLE,
  GPU_OUT_OF_MEMORY,
} from '../../contracts/video-activities';

/**
 * A detector problem as the workflow must see it. GPU out-of-memory is non-retryable here on
 * purpose: retrying the same batch cannot fit; the workflow halves the batch instead.
 */
export function detectorFailure(err: unknown, details?: Record<string, unknown>): unknown {
  if (!(err instanceof DetectorError)) return err;
  const extra = details ? [details] : [];
  switch (err.kind) {
    case 'out_of_memory':
      return ApplicationFailure.create({
        message: err.message,
        type: GPU_OUT_OF_MEMORY,
        nonRetryable: true,
        details: extra,
      });
    case 'malformed_response':
      return ApplicationFailure.create({
        message: err.message,
        type: DETECTOR_MALFORMED_RESPONSE,
        nonRetryable: false,
        details: extra,
      });
    case 'unavailable':
      return ApplicationFailure.create({
        message: err.message,
        type: DETECTOR_UNAVAILABLE,
        nonRetryable: false,
        details: extra,
      });
    case 'rejected':
      return ApplicationFailure.create({
        message: err.message,
        type: DETECTOR_REJECTED,
        nonRetryable: true,
        details: extra,
      });
  }
}

export function detectorNotConfigured(): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    'video analysis needs a person detector: set DETECTOR_URL to its HTTP address (see README, "Detector HTTP contract")',
    DETECTOR_NOT_CONFIGURED,
  );
}
