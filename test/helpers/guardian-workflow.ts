import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createSendAlerts } from '../../src/activities/guardian/send-alerts';
import type {
  DecisionRecord,
  GuardianActivities,
  RecallRequest,
} from '../../src/contracts/guardian-activities';
import type { ModelEvent } from '../../src/domain/events';
import type { GuardianSettingsInput } from '../../src/domain/policy';
import {
  GUARDIAN_EVENT_SIGNAL,
  GUARDIAN_EVENTS_SIGNAL,
  GUARDIAN_WORKFLOW_TYPE,
  guardianWorkflowId,
  type GuardianStartInput,
} from '../../src/contracts/workflows';
import {
  guardianHistoryQuery,
  guardianStateQuery,
  type DecisionEntry,
  type GuardianRunInput,
  type GuardianStateView,
} from '../../src/workflows/guardian';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { uniqueName } from './stack';
import { createTimeSkippingEnv } from './time-skipping';
import { workflowBundle } from './workflow-bundle';

/**
 * The guardian on the time-skipping test server with recording fakes at the activity boundary:
 * every call is recorded with its arguments, and a test can make a backend fail.
 */

export type ActivityName = keyof GuardianActivities;

export interface RecordedCall {
  name: ActivityName;
  modelName: string;
  request: Record<string, unknown>;
  attempt: number;
}

/** How a fake backend misbehaves for one model: thrown on every attempt. */
export type Failure =
  { kind: 'retryable'; message: string } | { kind: 'non-retryable'; type: string; message: string };

export class RecordingBackends {
  readonly calls: RecordedCall[] = [];
  private readonly failures = new Map<string, Failure>();
  private readonly attempts = new Map<string, number>();
  /** Training outcome per model (default: succeeded). */
  readonly trainingFails = new Set<string>();
  /** What measureCandidate reports per model (default: candidate 0.9 vs champion 0.85, version 10 serving). */
  readonly measurements = new Map<
    string,
    { candidate: number; champion?: number; championVersion?: string }
  >();
  /** Each audit activity (recordDecisions) that ran: whose rows, and how many. */
  readonly auditWrites: Array<{ modelName: string; rows: number }> = [];
  /** Each batch of alerts (sendAlerts) that ran: whose, and how many. */
  readonly alertWrites: Array<{ modelName: string; alerts: number }> = [];
  /** Each recall (a guardian starting without carried state): whose, and how many rows it got. */
  readonly recalls: Array<{ modelName: string; rows: number }> = [];

  failFor(modelName: string, name: ActivityName, failure: Failure): void {
    this.failures.set(`${modelName}/${name}`, failure);
  }

  /** The backend works again for this model (ends a `failFor`). */
  recover(modelName: string, name: ActivityName): void {
    this.failures.delete(`${modelName}/${name}`);
  }

  callsFor(modelName: string, name?: ActivityName): RecordedCall[] {
    return this.calls.filter((c) => c.modelName === modelName && (name === undefined || c.name === name));
  }

  /**
   * The distinct decisions (by audit id) written to this model's audit trail. An audit write may
   * run again, and the table keeps the first write, so repeats are not more decisions.
   */
  recordedIds(modelName: string): Set<string> {
    return new Set(this.callsFor(modelName, 'recordDecision').map((c) => String(c.request.eventId)));
  }

  /**
   * The audit trail as the table keeps it (the first write per event id wins), read back the way
   * the PostgreSQL recall query reads it: responses since `since` and the newest `recentLimit`.
   */
  private recall(request: RecallRequest): DecisionRecord[] {
    this.throwIfFailing(request.modelName, 'recallDecisions');
    const rows = new Map<string, DecisionRecord>();
    for (const c of this.callsFor(request.modelName, 'recordDecision')) {
      const record = c.request as unknown as DecisionRecord;
      if (!rows.has(record.eventId)) rows.set(record.eventId, record);
    }
    const all = [...rows.values()].sort((a, b) => Date.parse(a.decidedAt) - Date.parse(b.decidedAt));
    const recent = new Set(all.slice(-request.recentLimit));
    const acted = (r: DecisionRecord) => !['skipped', 'paused'].includes(String(r.details.status));
    const scheduled = all.filter((r) => r.details.status === 'scheduled').at(-1);
    const ended = scheduled
      ? all.find(
          (r) =>
            r !== scheduled &&
            Date.parse(r.decidedAt) >= Date.parse(scheduled.decidedAt) &&
            (r.eventId === `${scheduled.eventId}:window-run` || (r.action === 'RETRAIN' && acted(r))),
        )
      : undefined;
    const picked = all.filter(
      (r) =>
        recent.has(r) ||
        r === scheduled ||
        r === ended ||
        (Date.parse(r.decidedAt) >= Date.parse(request.since) && acted(r)),
    );
    this.recalls.push({ modelName: request.modelName, rows: picked.length });
    return picked;
  }

  /** Calls that reached the backend without failing (the last attempt of each). */
  actionsFor(modelName: string): RecordedCall[] {
    return this.callsFor(modelName).filter((c) => c.name !== 'recordDecision');
  }

  private call(name: ActivityName, request: { modelName: string }): void {
    const key = `${request.modelName}/${name}/${JSON.stringify(request)}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    this.calls.push({ name, modelName: request.modelName, request: { ...request }, attempt });
    this.throwIfFailing(request.modelName, name);
  }

  private throwIfFailing(modelName: string, name: ActivityName): void {
    const failure = this.failures.get(`${modelName}/${name}`);
    if (!failure) return;
    if (failure.kind === 'retryable') throw new Error(failure.message);
    throw ApplicationFailure.create({ message: failure.message, type: failure.type, nonRetryable: true });
  }

  activities(): GuardianActivities {
    const sendAlert: GuardianActivities['sendAlert'] = async (request) => {
      this.call('sendAlert', request);
      return { deliveredTo: ['kafka'] };
    };
    const sendAlerts = createSendAlerts(sendAlert);
    return {
      recordDecision: async (record) => {
        this.call('recordDecision', record);
      },
      // A batch is recorded as its rows, one `recordDecision` call each, so tests read the audit
      // trail the same way whichever write produced it; `auditWrites` counts the activities.
      recordDecisions: async (records) => {
        this.auditWrites.push({ modelName: records[0]?.modelName, rows: records.length });
        for (const record of records) this.call('recordDecision', record);
      },
      recallDecisions: async (request) => this.recall(request),
      runTrainingJob: async (request) => {
        this.call('runTrainingJob', request);
        const n = this.callsFor(request.modelName, 'runTrainingJob').length;
        return this.trainingFails.has(request.modelName)
          ? { jobId: `job-${n}`, status: 'failed', detail: 'loss diverged' }
          : { jobId: `job-${n}`, status: 'succeeded', newVersion: `${10 + n}` };
      },
      rollbackModel: async (request) => {
        this.call('rollbackModel', request);
        // A promotion watch names both versions; otherwise the registry's plan: 7 serves, 6 is stable.
        return { fromVersion: request.fromVersion ?? '7', toVersion: request.toVersion ?? '6' };
      },
      measureCandidate: async (request) => {
        this.call('measureCandidate', request);
        const m = this.measurements.get(request.modelName) ?? {
          candidate: 0.9,
          champion: 0.85,
          championVersion: '10',
        };
        return {
          metric: request.metric,
          candidateVersion: request.candidateVersion,
          candidate: m.candidate,
          ...(m.championVersion !== undefined && m.champion !== undefined
            ? { championVersion: m.championVersion, champion: m.champion }
            : {}),
        };
      },
      promoteModel: async (request) => {
        this.call('promoteModel', request);
        const from = request.verdict.championVersion;
        return from ? { fromVersion: from, toVersion: request.toVersion } : { toVersion: request.toVersion };
      },
      scaleService: async (request) => {
        this.call('scaleService', request);
        return {
          serviceName: request.serviceName ?? request.modelName,
          fromInstances: 2,
          toInstances: 2 + request.delta,
        };
      },
      sendAlert,
      // The real batch over the fake single send: tests read every alert as one `sendAlert` call.
      sendAlerts: async (requests) => {
        this.alertWrites.push({ modelName: requests[0]?.modelName, alerts: requests.length });
        return sendAlerts(requests);
      },
      raiseMonitoring: async (request) => {
        this.call('raiseMonitoring', request);
        return { until: '2030-01-01T00:00:00.000Z' };
      },
    };
  }
}

export const TASK_QUEUE = 'guardian-workflow-tests';

/**
 * The guardian upserts ModelName, LastAction and LastSeverity; the test server (like any
 * Temporal server) rejects search attributes it does not know, so register ours first.
 */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const { INDEXED_VALUE_TYPE_KEYWORD, INDEXED_VALUE_TYPE_DATETIME } = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [
        name,
        type === 'Datetime' ? INDEXED_VALUE_TYPE_DATETIME : INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
}
export const WORKFLOWS_PATH = require.resolve('../../src/workflows');

/** Starts one worker for the whole file; returns a stop function. */
export async function startGuardianWorker(
  env: TestWorkflowEnvironment,
  backends: RecordingBackends,
  options: Partial<WorkerOptions> = {},
) {
  await registerSearchAttributes(env);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(WORKFLOWS_PATH),
    activities: backends.activities(),
    ...options,
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}

/** Settings under which RETRAIN and ROLLBACK are never held back by business hours. */
export const ALL_DAY: GuardianSettingsInput = { businessHours: { startHour: 0, endHour: 23 } };

/** A guardian the test talks to the way the Kafka bridge does: signal-with-start by type name. */
export class GuardianUnderTest {
  readonly handle: WorkflowHandle;
  /** The run id of the first run (later runs follow from it by continue-as-new). */
  readonly started: string[] = [];

  constructor(
    private readonly env: TestWorkflowEnvironment,
    readonly modelName: string,
    private readonly input: Omit<GuardianRunInput, 'modelName'> = {},
  ) {
    this.handle = env.client.workflow.getHandle(guardianWorkflowId(modelName));
  }

  /** Delivers one event exactly as the bridge would. */
  async send(event: ModelEvent): Promise<void> {
    const start: GuardianStartInput & Omit<GuardianRunInput, 'modelName'> = {
      modelName: this.modelName,
      ...this.input,
    };
    const handle = await this.env.client.workflow.signalWithStart(GUARDIAN_WORKFLOW_TYPE, {
      workflowId: guardianWorkflowId(this.modelName),
      taskQueue: TASK_QUEUE,
      args: [start],
      signal: GUARDIAN_EVENT_SIGNAL,
      signalArgs: [event],
    });
    if (this.started.length === 0) this.started.push(handle.signaledRunId);
  }

  /** Delivers events one signal each, `concurrency` at a time (order within a group is not guaranteed). */
  async sendAll(events: ModelEvent[], concurrency = 25): Promise<void> {
    for (let i = 0; i < events.length; i += concurrency) {
      await Promise.all(events.slice(i, i + concurrency).map((e) => this.send(e)));
    }
  }

  /** Delivers several events in one signal, as the bridge does with events that queued up. */
  async sendBatch(events: unknown): Promise<void> {
    await this.env.client.workflow.signalWithStart(GUARDIAN_WORKFLOW_TYPE, {
      workflowId: guardianWorkflowId(this.modelName),
      taskQueue: TASK_QUEUE,
      args: [{ modelName: this.modelName, ...this.input }],
      signal: GUARDIAN_EVENTS_SIGNAL,
      signalArgs: [events],
    });
  }

  /** Sends the event and waits until its decision is final (recorded in the audit trail). */
  async decide(event: ModelEvent, backends: RecordingBackends): Promise<DecisionEntry> {
    await this.send(event);
    return this.waitForEntry(event.event_id, backends);
  }

  /**
   * Waits, without queries, until `auditRecords` decisions of this guardian are in the audit trail
   * and its run has stopped changing. The test server mishandles a query that races a
   * continue-as-new (the query hangs for a minute and its clock stops skipping), so tests that
   * make the guardian continue as new wait this way before they query it.
   */
  async waitUntilQuiet(
    backends: RecordingBackends,
    auditRecords: number,
    timeoutMs = 120_000,
  ): Promise<void> {
    let last = '';
    let stableSince = Date.now();
    let recorded = 0;
    const seen = () => `${recorded} recorded, last seen run/history length ${last || 'none'}`;
    await eventually(
      async () => {
        recorded = backends.recordedIds(this.modelName).size;
        if (recorded < auditRecords) return undefined;
        const d = await this.handle.describe();
        const now = `${d.runId}/${d.historyLength}`;
        if (now !== last) {
          last = now;
          stableSince = Date.now();
          return undefined;
        }
        return Date.now() - stableSince >= 1_500 ? true : undefined;
      },
      `${this.modelName} quiet with ${auditRecords} decisions recorded`,
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (${seen()})`);
    });
  }

  state(): Promise<GuardianStateView> {
    return this.handle.query(guardianStateQuery);
  }

  history(limit?: number): Promise<DecisionEntry[]> {
    return this.handle.query(guardianHistoryQuery, limit);
  }

  /** Waits until the entry with this audit id is final and written to the audit trail. */
  async waitForEntry(id: string, backends: RecordingBackends, timeoutMs = 60_000): Promise<DecisionEntry> {
    return eventually(
      async () => {
        const recorded = backends
          .callsFor(this.modelName, 'recordDecision')
          .some((c) => c.request.eventId === id);
        if (!recorded) return undefined;
        const entry = (await this.history()).find((e) => e.id === id);
        return entry && entry.status !== 'running' ? entry : undefined;
      },
      `decision ${id} of ${this.modelName}`,
      timeoutMs,
    );
  }

  /** Waits until nothing is running (actions, alerts, audit writes) and every queued event is decided. */
  async waitUntilIdle(processedEvents: number, timeoutMs = 120_000): Promise<GuardianStateView> {
    return eventually(
      async () => {
        const view = await this.state();
        return view.runningActions.length === 0 &&
          view.counters.processedEvents + view.counters.duplicateEvents >= processedEvents
          ? view
          : undefined;
      },
      `${this.modelName} idle after ${processedEvents} events`,
      timeoutMs,
    );
  }
}

/** Polls until `probe` returns a value (bounded: fails with `what` after the timeout). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      // Queries fail until the first workflow task ran; keep trying until the deadline.
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Moves the test server's clock forward to `instantMs`. Its clock also runs in real time between
 * skips, so a target a moment ago counts as reached; one further back is a mistake in the test.
 */
export async function skipTo(env: TestWorkflowEnvironment, instantMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instantMs < now - 5_000)
    throw new Error(`cannot move the clock back to ${new Date(instantMs).toISOString()}`);
  if (instantMs > now) await env.sleep(instantMs - now);
}

/** One test file's guardian world: the time-skipping server, its worker and the recording fakes. */
export interface GuardianWorkflowEnv {
  readonly env: TestWorkflowEnvironment;
  readonly backends: RecordingBackends;
  /** Every guardian the file started (replayed at its end). */
  readonly guardians: GuardianUnderTest[];
  /** Guardians whose histories are kept as replay fixtures (RECORD_GUARDIAN_HISTORIES=1). */
  readonly fixtures: GuardianUnderTest[];
  /** A guardian with a fresh model name (all-day business hours unless `input` says otherwise). */
  guardian(prefix: string, input?: ConstructorParameters<typeof GuardianUnderTest>[2]): GuardianUnderTest;
}

/**
 * Where a file's guardians run. The time-skipping test server moves the clock, but it answers a
 * workflow task completion it rejects (new signals arrived while the task ran) with success, so
 * the SDK keeps the run cached instead of replaying it, and the signals that arrived while a run
 * continued as new can be lost; the real server answers `UnhandledCommand`. Files that signal a
 * guardian while it continues as new run on the real dev server of the test stack.
 */
export type GuardianTestServer = 'time-skipping' | 'dev-server';

async function connectToStackServer(): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests with `npm test`');
  return TestWorkflowEnvironment.createFromExistingServer({ address });
}

/**
 * Sets up the file's guardian world before its tests and tears it down after them; `prepare`
 * runs once the worker is up (e.g. to move the test server's clock).
 */
export function useGuardianWorkflowEnv(
  prepare?: (t: GuardianWorkflowEnv) => Promise<void>,
  server: GuardianTestServer = 'time-skipping',
): GuardianWorkflowEnv {
  let env: TestWorkflowEnvironment | undefined;
  let backends: RecordingBackends | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  const t: GuardianWorkflowEnv = {
    get env() {
      if (!env) throw new Error('the guardian test environment is used before beforeAll ran');
      return env;
    },
    get backends() {
      if (!backends) throw new Error('the guardian test environment is used before beforeAll ran');
      return backends;
    },
    guardians: [],
    fixtures: [],
    guardian(prefix, input = { settings: ALL_DAY }) {
      const g = new GuardianUnderTest(t.env, uniqueName(prefix), input);
      t.guardians.push(g);
      return g;
    },
  };
  beforeAll(async () => {
    env = server === 'time-skipping' ? await createTimeSkippingEnv() : await connectToStackServer();
    backends = new RecordingBackends();
    stopWorker = await startGuardianWorker(env, backends);
    await prepare?.(t);
  });
  afterAll(async () => {
    await stopWorker?.();
    await env?.teardown();
  });
  return t;
}
