import {
  Client,
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EVENT_TRACES_HEADER, type EventTraceCarriers } from '../contracts/event-traces';
import {
  GUARDIAN_EVENT_SIGNAL,
  GUARDIAN_EVENTS_SIGNAL,
  GUARDIAN_WORKFLOW_TYPE,
  GuardianStartInput,
  VIDEO_WORKFLOW_TYPE,
  videoStartPolicies,
} from '../contracts/workflows';
import type { GuardianSettingsInput } from '../domain/policy/settings';
import { GUARDIAN_SHARD_WORKFLOW_TYPE, type GuardianShardStartInput } from '../contracts/guardian-shards';
import { deterministicUuid } from '../backends/deterministic-id';
import type { Delivery } from './event-routing';
import type { GuardianCap } from './guardian-cap';

/** What Temporal did with an event it accepted. */
export type DeliveryOutcome = 'signalled' | 'started' | 'duplicate';

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** Why a delivery counted as a duplicate, for the log line. */
  detail?: string;
}

/** Temporal (or the network to it) failed in a way a later attempt can fix: pause and retry, never skip. */
export class TransientDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientDeliveryError';
  }
}

/** Temporal refused the request itself (e.g. invalid argument): retrying cannot help, dead-letter it. */
export class RejectedDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RejectedDeliveryError';
  }
}

/**
 * The model has no running guardian and GUARDIAN_MAX_ACTIVE guardians run already: a new one is
 * not started. Dead-lettered as `guardian_cap_reached` (HTTP: 503, retry later).
 */
export class GuardianCapReachedError extends RejectedDeliveryError {
  constructor(message: string) {
    super(message);
    this.name = 'GuardianCapReachedError';
  }
}

export type GuardianDelivery = Extract<Delivery, { workflow: 'guardian' }>;

export interface TemporalDelivery {
  /** Signals the guardian or starts the video job; throws Transient/RejectedDeliveryError. */
  deliver(delivery: Delivery, traces?: EventTraceCarriers): Promise<DeliveryResult>;
  /** Signals several events of ONE model's guardian in one call, in order; throws like `deliver`. */
  deliverToGuardian(deliveries: GuardianDelivery[], traces?: EventTraceCarriers): Promise<DeliveryResult>;
}

export interface TemporalDeliveryOptions {
  client: Client;
  /** Where guardians start (TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** Where video jobs start (VIDEO_TASK_QUEUE); default: taskQueue. */
  videoTaskQueue?: string;
  callTimeoutMs: number;
  /** Policy settings (time zone, business hours, window, dry-run) for guardians this call starts. */
  guardianSettings?: GuardianSettingsInput;
  /** GUARDIAN_IDLE_MINUTES for guardians this call starts. */
  guardianIdleMinutes?: number;
  /** GUARDIAN_MAX_ACTIVE: consulted before a guardian is started; absent: no cap. */
  guardianCap?: GuardianCap;
}

/** One signal to a model's guardian, ready to send. */
interface GuardianSignal {
  workflowId: string;
  modelName: string;
  name: string;
  requestId: string;
  input: Payload[];
  /** Each event's trace context (tracing on), for the guardian to decide it inside that trace. */
  header?: Record<string, Payload>;
  /** With GUARDIAN_SHARDS: the shard the signal goes to. */
  shard?: GuardianDelivery['shard'];
}

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return isGrpcServiceError(cause) ? cause.code : undefined;
}

/** Sorts a failed call into "retry later" or "never going to work"; unknown failures are retried. */
export function classifyTemporalError(err: unknown): TransientDeliveryError | RejectedDeliveryError {
  // Already sorted (the guardian cap, a start that closed at once): kept as it is.
  if (err instanceof RejectedDeliveryError || err instanceof TransientDeliveryError) return err;
  const message = (err as Error)?.message ?? String(err);
  if (grpcCode(err) === GRPC_INVALID_ARGUMENT) {
    const details = (isGrpcServiceError(err) ? err.details : undefined) ?? message;
    return new RejectedDeliveryError(`Temporal rejected the request: ${details}`, { cause: err });
  }
  if ((err as Error)?.name === 'ValueError' || (err as Error)?.name === 'PayloadConverterError') {
    return new RejectedDeliveryError(`the event cannot be encoded for Temporal: ${message}`, { cause: err });
  }
  return new TransientDeliveryError(`Temporal call failed: ${message}`, { cause: err });
}

/**
 * Delivers validated events to Temporal by workflow TYPE NAME (the bridge never imports workflow
 * code): a signal to the model's guardian (started first if none runs), or a start of the upload's
 * video job.
 */
export function createTemporalDelivery(options: TemporalDeliveryOptions): TemporalDelivery {
  const { client, taskQueue, callTimeoutMs, guardianSettings, guardianIdleMinutes, guardianCap } = options;
  const videoTaskQueue = options.videoTaskQueue ?? taskQueue;
  const converter = client.options.loadedDataConverter;

  async function encode(values: unknown[]): Promise<Payload[]> {
    let payloads = values.map((v) => converter.payloadConverter.toPayload(v));
    for (const codec of converter.payloadCodecs) payloads = await codec.encode(payloads);
    return payloads;
  }

  /**
   * Every call has a deadline: a dead or frozen server must not hang a partition, and a shutdown
   * that runs out of time knows each abandoned call ends by then.
   */
  function withDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return client.connection.withDeadline(Date.now() + callTimeoutMs, fn);
  }

  /**
   * Signals the model's running guardian. The raw call instead of client.workflow.signal: only it
   * lets us set request_id. Temporal ignores a second signal with a request_id the run has already
   * seen, so a redelivered Kafka message (bridge crash before commit, retry after a lost response)
   * is not signalled twice; the guardian still dedupes by event_id across continue-as-new.
   * Resolves false when no guardian runs for the model.
   */
  async function signalRunningGuardian(signal: GuardianSignal): Promise<boolean> {
    try {
      await withDeadline(() =>
        client.workflowService.signalWorkflowExecution({
          namespace: client.options.namespace,
          identity: client.options.identity,
          requestId: signal.requestId,
          workflowExecution: { workflowId: signal.workflowId },
          signalName: signal.name,
          input: { payloads: signal.input },
          header: signal.header ? { fields: signal.header } : undefined,
        }),
      );
      return true;
    } catch (err) {
      if (grpcCode(err) === GRPC_NOT_FOUND) return false;
      throw err;
    }
  }

  /**
   * One event as `modelEvent` (request id from its event id), several of one model as
   * `modelEvents` (request id from all their event ids, in order: a retry of the same batch
   * carries the same one).
   */
  async function guardianSignal(
    deliveries: GuardianDelivery[],
    traces: EventTraceCarriers | undefined,
  ): Promise<GuardianSignal> {
    const [first] = deliveries;
    // Like the SDK's own trace header: plain JSON, never through a payload codec.
    const header =
      traces && Object.keys(traces).length > 0
        ? { [EVENT_TRACES_HEADER]: defaultPayloadConverter.toPayload(traces) }
        : undefined;
    if (deliveries.length === 1) {
      return {
        workflowId: first.workflowId,
        modelName: first.modelName,
        shard: first.shard,
        name: GUARDIAN_EVENT_SIGNAL,
        requestId: `bridge-signal:${first.event.event_id}`,
        input: await encode([first.event]),
        header,
      };
    }
    const eventIds = deliveries.map((d) => d.event.event_id);
    return {
      workflowId: first.workflowId,
      modelName: first.modelName,
      shard: first.shard,
      name: GUARDIAN_EVENTS_SIGNAL,
      requestId: `bridge-signals:${deterministicUuid('guardian-event-batch', eventIds.join(','))}`,
      input: await encode([deliveries.map((d) => d.event)]),
      header,
    };
  }

  /**
   * A plain signal, and only when no guardian runs (the model's first event, or its run ended) a
   * start first. Not signal-with-start: Temporal does about a third more work for it on every
   * event. Nor a fallback to signal-with-start: the run it starts does not remember the request_id
   * as a signal's, so the redelivered first event (then a plain signal) would arrive twice.
   */
  async function signalGuardian(deliveries: GuardianDelivery[], traces?: EventTraceCarriers) {
    const signal = await guardianSignal(deliveries, traces);
    if (await signalRunningGuardian(signal)) return { outcome: 'signalled' as const };
    if (signal.shard) await startShard(signal.workflowId, signal.shard);
    else await startGuardian(signal);
    if (await signalRunningGuardian(signal)) return { outcome: 'signalled' as const };
    throw new TransientDeliveryError(`the guardian ${signal.workflowId} closed right after it started`);
  }

  /** Starts a model's own guardian, within GUARDIAN_MAX_ACTIVE. */
  async function startGuardian(signal: GuardianSignal) {
    if (guardianCap && !(await withDeadline(() => guardianCap.allowsAnother()))) {
      throw new GuardianCapReachedError(
        `the model has no running guardian and ${guardianCap.max} guardians run already (GUARDIAN_MAX_ACTIVE): ${signal.workflowId} was not started`,
      );
    }
    const startInput: GuardianStartInput = {
      modelName: signal.modelName,
      settings: guardianSettings,
      idleMinutes: guardianIdleMinutes,
    };
    await startLongLived(GUARDIAN_WORKFLOW_TYPE, signal.workflowId, startInput);
    guardianCap?.started();
  }

  /** Starts a guardian shard (never capped: there are GUARDIAN_SHARDS of them). */
  async function startShard(workflowId: string, shard: NonNullable<GuardianSignal['shard']>) {
    const startInput: GuardianShardStartInput = {
      shard: shard.index,
      shards: shard.of,
      settings: guardianSettings,
    };
    await startLongLived(GUARDIAN_SHARD_WORKFLOW_TYPE, workflowId, startInput);
  }

  /**
   * Starts a guardian or a shard. USE_EXISTING: one another bridge (or the HTTP way in) started
   * meanwhile is kept. Untraced: it lives for many events, each traced on its own.
   */
  async function startLongLived(workflowType: string, workflowId: string, input: unknown) {
    await context.with(suppressTracing(context.active()), () =>
      withDeadline(() =>
        client.workflow.start(workflowType, {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      ),
    );
  }

  /** A re-analysis request already served by the latest run (the same event delivered again). */
  async function reanalysisAlreadyStarted(workflowId: string, eventId: string) {
    try {
      const description = await withDeadline(() => client.workflow.getHandle(workflowId).describe());
      return description.memo?.eventId === eventId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async function startVideoJob(delivery: Extract<Delivery, { workflow: 'video' }>) {
    const { workflowId, input } = delivery;
    // Policies (see videoStartPolicies): one job per upload; `reanalyze` may start a new run only
    // after the previous one closed. A redelivered re-analysis request must not start a third run,
    // so the run remembers its event id in its memo and we compare before starting.
    if (input.reanalyze && (await reanalysisAlreadyStarted(workflowId, input.eventId))) {
      return {
        outcome: 'duplicate' as const,
        detail: 'this re-analysis request already started the latest run',
      };
    }
    try {
      await withDeadline(() =>
        client.workflow.start(VIDEO_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: videoTaskQueue,
          args: [input],
          memo: { eventId: input.eventId },
          ...videoStartPolicies(input),
        }),
      );
      return { outcome: 'started' as const };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return {
          outcome: 'duplicate' as const,
          detail: input.reanalyze
            ? 'a job for this video is still running; the re-analysis request joins it'
            : 'a job for this upload already ran or is running',
        };
      }
      throw err;
    }
  }

  return {
    async deliver(delivery, traces) {
      try {
        return delivery.workflow === 'guardian'
          ? await signalGuardian([delivery], traces)
          : await startVideoJob(delivery);
      } catch (err) {
        throw classifyTemporalError(err);
      }
    },
    async deliverToGuardian(deliveries, traces) {
      if (new Set(deliveries.map((d) => d.workflowId)).size !== 1)
        throw new RejectedDeliveryError('one call signals one guardian: the events belong to several');
      try {
        return await signalGuardian(deliveries, traces);
      } catch (err) {
        throw classifyTemporalError(err);
      }
    },
  };
}
