import { guardianWorkflowId } from '../../src/contracts/workflows';
import { DLQ_HEADERS } from '../../src/bridge/dead-letter-writer';
import {
  driftEvent,
  guardianEvents,
  header,
  produce,
  readTopic,
  useInProcessBridge,
  waitFor,
  workflowRuns,
} from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';

/**
 * GUARDIAN_MAX_ACTIVE: past the cap, an event whose model has no running guardian starts none;
 * it is dead-lettered (Kafka) or answered 503 (HTTP), while running guardians keep their events.
 */
describe('the cap on running guardians (real Kafka + Temporal)', () => {
  const world = useInProcessBridge({ env: { GUARDIAN_MAX_ACTIVE: '2' } });

  it('dead-letters a new model past the cap as guardian_cap_reached and answers HTTP 503, while running guardians get their events', async () => {
    const { t } = world;
    const client = t.temporal.client;
    const [a, b, c] = [uniqueName('cap-a'), uniqueName('cap-b'), uniqueName('cap-c')];
    const send = (events: Array<ReturnType<typeof driftEvent>>) =>
      produce(
        t.producer,
        t.topics.drift,
        events.map((e) => ({ key: e.model_name, value: JSON.stringify(e) })),
      );

    await send([driftEvent(a), driftEvent(b)]);
    for (const model of [a, b]) {
      await waitFor(
        `the guardian of ${model}`,
        () => guardianEvents(client, guardianWorkflowId(model)),
        (r) => r.length === 1,
      );
    }

    const refused = driftEvent(c);
    const secondA = driftEvent(a);
    await send([refused, secondA]);
    const letters = await readTopic(t.kafka, t.topics.deadLetter, (m) => m.length >= 1);
    expect(letters).toHaveLength(1);
    expect(header(letters[0], DLQ_HEADERS.reasonCode)).toBe('guardian_cap_reached');
    expect(header(letters[0], DLQ_HEADERS.eventId)).toBe(refused.event_id);
    expect(header(letters[0], DLQ_HEADERS.reason)).toContain('2 guardians run already (GUARDIAN_MAX_ACTIVE)');
    expect(JSON.parse(letters[0].value!.toString())).toEqual(refused);
    await waitFor(
      'the second event of the running guardian',
      () => guardianEvents(client, guardianWorkflowId(a)),
      (r) => r.length === 2,
    );
    expect(await workflowRuns(client, guardianWorkflowId(c))).toEqual([]);
    expect(world.running.bridge.metrics.deadLettered.get({ reason: 'guardian_cap_reached' })).toBe(1);

    // HTTP: a new model is told to come back later (nothing is dead-lettered); a running one is served.
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${world.running.bridge.http!.port}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const later = await post(driftEvent(uniqueName('cap-http')));
    expect(later.status).toBe(503);
    expect(later.headers.get('retry-after')).toBe('60');
    expect(await later.json()).toEqual(
      expect.objectContaining({
        error: 'guardian_cap_reached',
        detail: expect.stringContaining('GUARDIAN_MAX_ACTIVE'),
      }),
    );
    expect((await post(driftEvent(b))).status).toBe(202);
  }, 180_000);
});
