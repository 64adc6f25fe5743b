import { randomUUID } from 'node:crypto';
import { routeEvent } from '../../src/bridge/event-routing';
import { decideFate } from '../../src/bridge/message-fate';
import { RejectedDeliveryError, TransientDeliveryError } from '../../src/bridge/temporal-delivery';
import { incoming, ingestSettings } from '../helpers/ingest';

const good = routeEvent(
  incoming({
    event_id: randomUUID(),
    event_type: 'system_overload',
    timestamp: '2026-03-01T10:00:00Z',
    model_name: 'fraud',
  }),
  ingestSettings(),
);

describe('decideFate: one decision for Kafka and HTTP', () => {
  it('delivers a routable event and says what Temporal did', async () => {
    const fate = await decideFate(good, async () => ({ outcome: 'signalled' }));
    expect(fate).toEqual({
      fate: 'delivered',
      delivery: expect.objectContaining({ workflow: 'guardian' }),
      result: { outcome: 'signalled' },
    });
  });

  it('rejects bad input without calling Temporal', async () => {
    const bad = routeEvent(incoming({ event_type: 'system_overload' }), ingestSettings());
    const deliver = jest.fn();
    expect(await decideFate(bad, deliver)).toEqual({
      fate: 'rejected',
      rejection: expect.objectContaining({ reason: 'unroutable' }),
    });
    expect(deliver).not.toHaveBeenCalled();
  });

  it('rejects an event Temporal refuses as invalid, with its id', async () => {
    const fate = await decideFate(good, async () => {
      throw new RejectedDeliveryError('payload too large');
    });
    expect(fate).toEqual({
      fate: 'rejected',
      rejection: {
        reason: 'rejected_by_temporal',
        detail: 'payload too large',
        eventId: good.ok ? good.delivery.event.event_id : '',
      },
    });
  });

  it('leaves "retry later" to the caller', async () => {
    await expect(
      decideFate(good, async () => {
        throw new TransientDeliveryError('Temporal unreachable');
      }),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
  });
});
