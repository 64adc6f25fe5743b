import { z } from 'zod';
import { idempotencyKey } from '../http/idempotency-key';
import { callHttpBackend, HttpBackendTarget, parseReply } from '../http/http-backend';
import type { ScalingBackend, ScalingChange } from './scaling-backend';

const serviceState = z.object({ instances: z.number().int().min(0) });

export interface HttpScalingServiceOptions {
  baseUrl: string;
  timeoutMs: number;
}

/**
 * The HTTP scaling service (contract in the README, "Backends"):
 * GET /services/{service} reads the count, PUT /services/{service}/instances sets it.
 */
export function createHttpScalingService(options: HttpScalingServiceOptions): ScalingBackend {
  const target: HttpBackendTarget = {
    label: 'scaling service',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
  };
  return {
    kind: 'http',

    async instances(serviceName: string): Promise<number> {
      const reply = await callHttpBackend(target, { method: 'GET', path: ['services', serviceName] });
      return parseReply(target, reply, serviceState).instances;
    },

    async setInstances(serviceName: string, instances: number, change: ScalingChange): Promise<number> {
      const reply = await callHttpBackend(target, {
        method: 'PUT',
        path: ['services', serviceName, 'instances'],
        headers: { 'idempotency-key': idempotencyKey(change.modelName, change.triggeringEventId) },
        body: {
          instances,
          model_name: change.modelName,
          reason: change.reason,
          triggering_event_id: change.triggeringEventId,
        },
      });
      return parseReply(target, reply, serviceState).instances;
    },
  };
}
