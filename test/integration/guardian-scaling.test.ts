import { createGuardianActivities } from '../../src/activities/guardian';
import type { ScaleRequest } from '../../src/contracts/guardian-activities';
import { FakeScalingServer, startFakeScalingServer } from '../helpers/fake-scaling-server';
import { uniqueName } from '../helpers/stack';
import { GuardianTestContext, openGuardianTestContext } from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

describe('scaleService', () => {
  let t: GuardianTestContext;
  beforeAll(async () => {
    t = await openGuardianTestContext();
  });
  afterAll(async () => {
    await t?.close();
  });

  const request = (modelName: string, delta: number, serviceName?: string): ScaleRequest => ({
    modelName,
    serviceName,
    delta,
    reason: 'prediction latency high',
    triggeringEventId: uniqueName('evt'),
  });

  describe('on the built-in PostgreSQL table', () => {
    const instancesOf = async (service: string) =>
      (await t.pool.query('SELECT instances FROM service_instances WHERE service_name = $1', [service]))
        .rows[0]?.instances;

    it('scales up by 2 and down by 1 (a new service starts from 1), never below 1', async () => {
      const { scaleService } = createGuardianActivities(t.depsWith());
      const model = uniqueName('scale-pg');
      expect(await scaleService(request(model, +2))).toEqual({
        serviceName: model,
        fromInstances: 1,
        toInstances: 3,
      });
      expect(await scaleService(request(model, -1))).toEqual({
        serviceName: model,
        fromInstances: 3,
        toInstances: 2,
      });
      expect(await scaleService(request(model, -1))).toEqual({
        serviceName: model,
        fromInstances: 2,
        toInstances: 1,
      });
      expect(await scaleService(request(model, -1))).toEqual({
        serviceName: model,
        fromInstances: 1,
        toInstances: 1,
      });
      expect(await instancesOf(model)).toBe(1);
    });

    it('scales the named service when the event names one, and stops at SCALING_MAX_INSTANCES', async () => {
      const { scaleService } = createGuardianActivities(t.depsWith({ SCALING_MAX_INSTANCES: '4' }));
      const model = uniqueName('scale-pg-max');
      const service = `${model}-serving`;
      expect(await scaleService(request(model, +2, service))).toMatchObject({
        serviceName: service,
        toInstances: 3,
      });
      expect(await scaleService(request(model, +2, service))).toMatchObject({
        fromInstances: 3,
        toInstances: 4,
      });
      expect(await scaleService(request(model, +2, service))).toMatchObject({
        fromInstances: 4,
        toInstances: 4,
      });
      expect(await instancesOf(service)).toBe(4);
      expect(await instancesOf(model)).toBeUndefined();
    });

    it('holds a scale of a service that another model scaled the same way inside the cooldown', async () => {
      const { scaleService } = createGuardianActivities(t.depsWith());
      const service = uniqueName('shared-serving');
      const [first, second] = [uniqueName('model-a'), uniqueName('model-b')];
      expect(await scaleService(request(first, +2, service))).toEqual({
        serviceName: service,
        fromInstances: 1,
        toInstances: 3,
      });
      // Another model (a rotated name, say) asking the same service to scale up again is held.
      const held = await scaleService(request(second, +2, service));
      expect(held).toMatchObject({ serviceName: service, fromInstances: 3, toInstances: 3 });
      expect(held.heldBy).toMatch(
        new RegExp(
          `^SCALE_UP of ${service} held: model ${first} scaled it 1 → 3 at .+ inside the service's 10-minute SCALE_UP cooldown$`,
        ),
      );
      expect(await instancesOf(service)).toBe(3);
      // The other direction is not held, and one model's own repeats are its guardian's cooldown.
      expect(await scaleService(request(second, -1, service))).toEqual({
        serviceName: service,
        fromInstances: 3,
        toInstances: 2,
      });
      expect(await scaleService(request(first, +2, service))).toEqual({
        serviceName: service,
        fromInstances: 2,
        toInstances: 4,
      });
    });

    it('a retried scale-up for the same event adds 2 once', async () => {
      const { scaleService } = createGuardianActivities(t.depsWith());
      const model = uniqueName('scale-pg-retry');
      const req = request(model, +2);
      const first = await scaleService(req);
      expect(await scaleService(req)).toEqual(first);
      expect(await instancesOf(model)).toBe(3);
    });

    it('refuses a zero or fractional delta', async () => {
      const { scaleService } = createGuardianActivities(t.depsWith());
      await expect(scaleService(request('m', 0))).rejects.toMatchObject({
        nonRetryable: true,
        type: 'InvalidScaleRequest',
      });
      await expect(scaleService(request('m', 1.5))).rejects.toMatchObject({ nonRetryable: true });
    });
  });

  describe('on the HTTP scaling service', () => {
    let server: FakeScalingServer;
    beforeAll(async () => {
      server = await startFakeScalingServer();
    });
    afterAll(async () => {
      await server?.close();
    });
    const activities = () => createGuardianActivities(t.depsWith({ SCALING_SERVICE_URL: server.url }));

    it('reads the count, sets the absolute target, and sends the trigger as idempotency key', async () => {
      const model = uniqueName('scale-http');
      server.services.set(model, 4);
      const req = request(model, +2);
      expect(await activities().scaleService(req)).toEqual({
        serviceName: model,
        fromInstances: 4,
        toInstances: 6,
      });
      expect(server.services.get(model)).toBe(6);
      const put = server.requests.find(
        (r) => r.method === 'PUT' && r.path === `/services/${model}/instances`,
      )!;
      expect(put.body).toEqual({
        instances: 6,
        model_name: model,
        reason: 'prediction latency high',
        triggering_event_id: req.triggeringEventId,
      });
      expect(put.headers['idempotency-key']).toBe(`${model}:${req.triggeringEventId}`);

      expect(await activities().scaleService(request(model, -1))).toEqual({
        serviceName: model,
        fromInstances: 6,
        toInstances: 5,
      });
    });

    it('never asks for fewer than 1 instance', async () => {
      const model = uniqueName('scale-http-min');
      server.services.set(model, 1);
      expect(await activities().scaleService(request(model, -1))).toEqual({
        serviceName: model,
        fromInstances: 1,
        toInstances: 1,
      });
      expect(
        server.requests.some((r) => r.method === 'PUT' && r.path === `/services/${model}/instances`),
      ).toBe(false);
    });

    it('a scaling service that answers 503 is a retryable failure, and the retry finishes the planned change', async () => {
      const model = uniqueName('scale-http-503');
      server.services.set(model, 2);
      const req = request(model, +2);
      server.failNext(1, 'PUT');
      await expect(activities().scaleService(req)).rejects.toMatchObject({
        type: 'BackendUnavailable',
        nonRetryable: false,
        message: expect.stringMatching(/HTTP 503 .*scaling service is restarting/),
      });
      // Whatever the count reads now, the retry sets the target planned from 2: +2 happens once.
      server.services.set(model, 3);
      expect(await activities().scaleService(req)).toEqual({
        serviceName: model,
        fromInstances: 2,
        toInstances: 4,
      });
      expect(await activities().scaleService(req)).toEqual({
        serviceName: model,
        fromInstances: 2,
        toInstances: 4,
      });
      expect(server.services.get(model)).toBe(4);
    });

    it('an unknown service is a non-retryable failure with the status and the answer', async () => {
      await expect(
        activities().scaleService(request(uniqueName('scale-http-unknown'), +2)),
      ).rejects.toMatchObject({
        type: 'BackendRejected',
        nonRetryable: true,
        message: expect.stringMatching(/HTTP 404 .*unknown service/),
      });
    });
  });
});
