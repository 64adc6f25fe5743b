import { ApplicationFailure } from '@temporalio/common';
import { errorMessage } from '../../domain/error-message';
import {
  ALERTS_UNDELIVERED_FAILURE,
  type AlertRequest,
  type FailedAlert,
} from '../../contracts/guardian-activities';
import { type AlertDelivery, batchProgress, currentActivity } from './send-alert';

/**
 * A batch of alerts (a guardian's drift alerts), each delivered as `sendAlert` delivers one: once
 * per channel, so a retry of the batch delivers only what did not arrive before. All are tried even
 * when one fails; the failure names the undelivered ones so the guardian counts them exactly.
 */
export function createSendAlerts(deliver: AlertDelivery) {
  return async function sendAlerts(requests: AlertRequest[]): Promise<{ delivered: number }> {
    // One heartbeat holds every alert's deliveries, by alert id (see DeliveryProgress).
    const progress = batchProgress(currentActivity());
    const outcomes = await Promise.allSettled(requests.map((request) => deliver(request, progress)));
    const failed: FailedAlert[] = [];
    let retryable = false;
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') return;
      failed.push({ alertId: requests[i].alertId, error: errorMessage(outcome.reason) });
      retryable ||= !(outcome.reason instanceof ApplicationFailure && outcome.reason.nonRetryable);
    });
    if (failed.length === 0) return { delivered: requests.length };
    throw ApplicationFailure.create({
      message: `${failed.length} of ${requests.length} alert(s) not delivered; first: ${failed[0].alertId}: ${failed[0].error}`,
      type: ALERTS_UNDELIVERED_FAILURE,
      nonRetryable: !retryable,
      details: [{ failed }],
    });
  };
}
