import { z } from 'zod';
import { idempotencyKey } from '../http/idempotency-key';
import { callHttpBackend, HttpBackendTarget, parseReply } from '../http/http-backend';
import type { MonitoringBackend, MonitoringRaise } from './monitoring-backend';

const raised = z.object({ until: z.string().datetime({ offset: true }) });

export interface HttpMonitoringServiceOptions {
  baseUrl: string;
  timeoutMs: number;
}

/**
 * The HTTP monitoring service (contract in the README, "Backends"):
 * PUT /models/{model}/monitoring raises the model's check frequency and answers when it ends.
 * The Idempotency-Key lets the service answer a retried call with the first call's end.
 */
export function createHttpMonitoringService(options: HttpMonitoringServiceOptions): MonitoringBackend {
  const target: HttpBackendTarget = {
    label: 'monitoring service',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
  };
  return {
    kind: 'http',

    async raise(request: MonitoringRaise, now: Date): Promise<Date> {
      const reply = await callHttpBackend(target, {
        method: 'PUT',
        path: ['models', request.modelName, 'monitoring'],
        headers: { 'idempotency-key': idempotencyKey(request.modelName, request.triggeringEventId) },
        body: {
          interval_seconds: request.intervalSeconds,
          until: new Date(now.getTime() + request.durationSeconds * 1000).toISOString(),
          reason: request.reason,
          triggering_event_id: request.triggeringEventId,
        },
      });
      return new Date(parseReply(target, reply, raised).until);
    },
  };
}
