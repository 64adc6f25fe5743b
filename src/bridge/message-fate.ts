import type { Rejection } from './dead-letter-reason';
import type { Delivery, RouteResult } from './event-routing';
import { type DeliveryResult, GuardianCapReachedError, RejectedDeliveryError } from './temporal-delivery';

/**
 * What becomes of one incoming message, decided the same way for Kafka and HTTP: delivered to
 * Temporal, or rejected with a reason — bad input, or an event Temporal refuses as invalid.
 * "Retry later" is not a fate: a TransientDeliveryError propagates and the caller waits
 * (Kafka pauses the partition, HTTP answers 503).
 */
export type MessageFate =
  | { fate: 'delivered'; delivery: Delivery; result: DeliveryResult }
  | { fate: 'rejected'; rejection: Rejection };

export async function decideFate(
  route: RouteResult,
  deliver: (delivery: Delivery) => Promise<DeliveryResult>,
): Promise<MessageFate> {
  if (!route.ok) return { fate: 'rejected', rejection: route };
  try {
    return { fate: 'delivered', delivery: route.delivery, result: await deliver(route.delivery) };
  } catch (err) {
    if (!(err instanceof RejectedDeliveryError)) throw err;
    return {
      fate: 'rejected',
      rejection: {
        reason: err instanceof GuardianCapReachedError ? 'guardian_cap_reached' : 'rejected_by_temporal',
        detail: err.message,
        eventId: route.delivery.event.event_id,
      },
    };
  }
}
