import type { Tracer } from '@opentelemetry/api';
import type { EventPublisher } from '../clients/event-publisher';
import type { Logger } from '../logger';
import type { BridgeMetrics } from './bridge-metrics';
import type { DeadLetter, DeadLetterWriter } from './dead-letter-writer';
import type { Delivery } from './event-routing';
import type { EventOrigin } from './event-origin';
import type { AlertSender } from '../backends/alerts';
import { deterministicUuid } from '../backends/deterministic-id';
import { errorMessage } from '../domain/error-message';
import type { DeliveryResult, GuardianDelivery, TemporalDelivery } from './temporal-delivery';
import { traceDelivery } from './delivery-spans';

/** One accepted event, for observers (the benchmark measures produce → accepted with it). */
export interface DeliveredSample {
  origin: EventOrigin;
  eventId: string;
  workflowId: string;
  outcome: DeliveryResult['outcome'];
  /** When the Temporal call that carried it began (after waiting for its model and a slot). */
  callStartedAtMs: number;
  acceptedAtMs: number;
}

export interface EventPipelineDeps {
  temporal: TemporalDelivery;
  deadLetters: DeadLetterWriter;
  publisher: EventPublisher;
  alertsTopic: string;
  /** Where the duplicate-job alarm reaches people (README "Alerting"); Kafka only without it. */
  alertSender?: AlertSender;
  metrics: BridgeMetrics;
  logger: Logger;
  onDelivered?: (sample: DeliveredSample) => void;
  /** Set when tracing is on: each event's span, and its trace context on the Temporal call. */
  tracer?: Tracer;
}

function originFields(origin: EventOrigin): Record<string, unknown> {
  return origin.source === 'kafka'
    ? { topic: origin.topic, partition: origin.partition, offset: origin.offset }
    : { path: origin.path };
}

/**
 * The performance record the daily report reads from an accepted event's log line (`operation`
 * + `durationMs`, log-analysis/json-line.ts): from when the bridge read the event to when Temporal
 * took it, waits for the model's previous signal and a free slot included. The operation names
 * the Temporal API call, which files it under the report's api-call threshold (5 s).
 */
function deliveryPerformance(workflow: Delivery['workflow'], readAtMs: number, acceptedAtMs: number) {
  return {
    operation:
      workflow === 'guardian' ? 'signal guardian via Temporal API' : 'start video job via Temporal API',
    durationMs: Math.max(0, acceptedAtMs - readAtMs),
  };
}

/**
 * The two ends of the bridge shared by Kafka and HTTP: hand a valid event to Temporal, or put
 * a bad one on the dead-letter topic — each logged (with topic, partition, offset, event id)
 * and counted.
 */
export class EventPipeline {
  /** Duplicate-job alarms on their way to people: awaited on stop, never by the partition. */
  private readonly alarmsInFlight = new Set<Promise<void>>();

  constructor(private readonly deps: EventPipelineDeps) {}

  /** Resolves when every alarm this pipeline handed to the alert sender is delivered or given up on. */
  async alarmsSettled(): Promise<void> {
    await Promise.all([...this.alarmsInFlight]);
  }

  /** Throws TransientDeliveryError (retry later) or RejectedDeliveryError (dead-letter it). */
  async deliver(delivery: Delivery, origin: EventOrigin): Promise<DeliveryResult> {
    const startedAt = Date.now();
    const { tracer, temporal } = this.deps;
    const result = tracer
      ? await traceDelivery(tracer, [{ delivery, origin }], (traces) => temporal.deliver(delivery, traces))
      : await temporal.deliver(delivery);
    this.observeCall(delivery.workflow, startedAt);
    await this.accepted(delivery, origin, result, startedAt);
    return result;
  }

  /**
   * Several events of one model's guardian in one call, in order; each is then logged, counted
   * and observed as if delivered alone. Throws like `deliver` (for all of them).
   */
  async deliverTogether(
    events: Array<{ delivery: GuardianDelivery; origin: EventOrigin }>,
  ): Promise<DeliveryResult> {
    const startedAt = Date.now();
    const { tracer, temporal } = this.deps;
    const deliveries = events.map((e) => e.delivery);
    const result = tracer
      ? await traceDelivery(tracer, events, (traces) => temporal.deliverToGuardian(deliveries, traces))
      : await temporal.deliverToGuardian(deliveries);
    this.observeCall('guardian', startedAt);
    this.deps.metrics.batchedSignals.inc();
    this.deps.metrics.batchedEvents.inc({}, events.length);
    for (const { delivery, origin } of events) await this.accepted(delivery, origin, result, startedAt);
    return result;
  }

  /** One Temporal call's duration (one sample per call, however many events it carried). */
  private observeCall(workflow: Delivery['workflow'], startedAt: number) {
    this.deps.metrics.signalLatency.observe({ workflow }, (Date.now() - startedAt) / 1000);
  }

  /** Logs, counts and reports one event Temporal accepted. */
  private async accepted(delivery: Delivery, origin: EventOrigin, result: DeliveryResult, startedAt: number) {
    const { metrics, logger } = this.deps;
    const acceptedAtMs = Date.now();
    const labels = { workflow: delivery.workflow };
    if (origin.producedAtMs !== undefined && Number.isFinite(origin.producedAtMs)) {
      metrics.eventLatency.observe(labels, Math.max(0, acceptedAtMs - origin.producedAtMs) / 1000);
    }
    metrics.delivered.inc({ workflow: delivery.workflow, outcome: result.outcome });
    const fields = {
      ...originFields(origin),
      eventId: delivery.event.event_id,
      eventType: delivery.event.event_type,
      workflowId: delivery.workflowId,
      outcome: result.outcome,
      ...deliveryPerformance(delivery.workflow, origin.receivedAtMs ?? startedAt, acceptedAtMs),
    };
    if (result.outcome === 'duplicate') {
      metrics.duplicates.inc(labels);
      logger.info({ ...fields, why: result.detail }, 'duplicate delivery: nothing new started');
      if (delivery.workflow === 'video') await this.publishDuplicateAlert(delivery, result.detail);
    } else {
      logger.info(
        fields,
        delivery.workflow === 'guardian' ? 'event signalled to the model guardian' : 'video job started',
      );
    }
    this.deps.onDelivered?.({
      origin,
      eventId: delivery.event.event_id,
      workflowId: delivery.workflowId,
      outcome: result.outcome,
      callStartedAtMs: startedAt,
      acceptedAtMs,
    });
  }

  /** Resolves once the dead letter is on Kafka; throws when Kafka is unavailable (retry later). */
  async deadLetter(letter: DeadLetter): Promise<void> {
    await this.deps.deadLetters.write(letter);
    this.deps.metrics.deadLettered.inc({ reason: letter.reason });
    this.deps.logger.warn(
      {
        ...originFields(letter.origin),
        eventId: letter.eventId,
        reason: letter.reason,
        detail: letter.detail,
        bytes: letter.value?.length ?? 0,
      },
      `message dead-lettered: ${letter.reason}`,
    );
  }

  /**
   * README "Video analysis" lists "duplicate job detected" as an alarm the reference sends at once:
   * on system.alerts, and to people through the alert sender. Best effort for the partition — the
   * duplicate is already logged and counted, and neither a Kafka hiccup nor a slow channel may
   * hold it up, so the channels' delivery runs beside it (bounded by the sender's retry budget).
   */
  private async publishDuplicateAlert(delivery: Extract<Delivery, { workflow: 'video' }>, detail?: string) {
    const { event, input, workflowId } = delivery;
    const alertId = deterministicUuid('duplicate-video-job', event.event_id);
    const title = `Duplicate video upload: ${input.videoKey}`;
    const message = `The upload of ${input.videoKey} was delivered again (event ${event.event_id}); ${detail ?? 'no second job was started'}.`;
    try {
      await this.deps.publisher.publish(
        this.deps.alertsTopic,
        input.videoKey,
        'duplicate_job_detected',
        {
          alert_id: alertId,
          title,
          message,
          priority: 'high',
          video_key: input.videoKey,
          workflow_id: workflowId,
          source_event: event,
        },
        deterministicUuid('duplicate-video-job-alert', event.event_id),
      );
    } catch (err) {
      this.deps.logger.warn(
        { err, eventId: event.event_id, workflowId },
        'could not publish the duplicate-job alert',
      );
    }
    const sender = this.deps.alertSender;
    if (!sender) return;
    const sending = sender
      .send({
        alarmId: alertId,
        source: 'bridge',
        subject: input.videoKey,
        kind: 'duplicate_job',
        title,
        message,
        priority: 'high',
        time: new Date().toISOString(),
        immediate: true,
        details: { video_key: input.videoKey, workflow_id: workflowId, source_event_id: event.event_id },
      })
      .then(
        () => undefined,
        (err: unknown) =>
          this.deps.logger.warn(
            { err: errorMessage(err), eventId: event.event_id },
            'duplicate-job alarm not sent',
          ),
      )
      .finally(() => this.alarmsInFlight.delete(sending));
    this.alarmsInFlight.add(sending);
  }
}
