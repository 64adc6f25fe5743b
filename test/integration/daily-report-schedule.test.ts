import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection, ScheduleHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { createReportActivities } from '../../src/activities/report';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import type { KafkaProducer } from '../../src/clients/kafka-client';
import { createKafkajs } from '../../src/clients/kafkajs/kafkajs-client';
import { createPgPool } from '../../src/clients/postgres';
import type { Config } from '../../src/config';
import { DailyReport, reportDateForRunAt } from '../../src/domain/log-analysis';
import { dailyReportWorkflowId, DAILY_REPORT_WORKFLOW_TYPE } from '../../src/contracts/workflows';
import { createLogger } from '../../src/logger';
import { ensureReportSchedule, ReportScheduleSettings } from '../../src/workers/report-schedule';
import { testConfig, uniqueName } from '../helpers/stack';

/**
 * The daily report on the real dev server: the Schedule as the worker creates it, a triggered
 * run and a three-day backfill through the schedule, each run by a Worker with the real
 * activities reading generated logs and writing into a temp directory, summaries and the Poor
 * alert read back from Kafka. Every test uses its own schedule id, task queue and topics.
 */

jest.setTimeout(240_000);

const execFileAsync = promisify(execFile);
const TZ = 'Europe/Berlin';

interface Received {
  topic: string;
  value: Record<string, unknown>;
}

/** Consumes topics from the beginning into a list, so tests can wait for what they expect. */
async function recordTopics(
  kafka: Kafka,
  topics: string[],
): Promise<{ received: Received[]; stop(): Promise<void> }> {
  const consumer: Consumer = kafka.consumer({
    groupId: uniqueName('report-test'),
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const received: Received[] = [];
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      received.push({ topic, value: JSON.parse(message.value?.toString() ?? '{}') });
    },
  });
  return { received, stop: () => consumer.disconnect() };
}

/** Polls (bounded) until `check` returns a value. */
async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Text log lines of one local day (TIME_ZONE): `errors` connection errors and `slow` slow API calls at noon. */
function dayOfLogs(date: string, errors: number, critical: number, slow: number): string {
  const lines: string[] = [`[${date} 08:00:00] INFO api | day ${date} starts`];
  for (let i = 0; i < errors; i++)
    lines.push(`[${date} 12:00:00] ERROR api | Connection refused to db-${i}:5432`);
  for (let i = 0; i < critical; i++) lines.push(`[${date} 13:00:00] CRITICAL api | disk full on node-${i}`);
  for (let i = 0; i < slow; i++)
    lines.push(`[${date} 14:00:00] PERF api | api call /predict completed in 7.5s`);
  return lines.join('\n') + '\n';
}

function readReport(outDir: string, date: string): DailyReport | undefined {
  const file = path.join(outDir, `daily_log_report_${date.replace(/-/g, '')}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as DailyReport) : undefined;
}

describe('daily log report on the Temporal dev server', () => {
  let tmp: string;
  let logDir: string;
  let outDir: string;
  let config: Config;
  let settings: ReportScheduleSettings;
  let connection: Connection;
  let client: Client;
  let kafka: Kafka;
  let producer: KafkaProducer;
  let pool: Pool;
  let worker: Worker;
  let workerRun: Promise<void>;
  let topics: { received: Received[]; stop(): Promise<void> };
  let schedule: ScheduleHandle | undefined;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daily-report-it-'));
    logDir = path.join(tmp, 'logs');
    outDir = path.join(tmp, 'reports');
    fs.mkdirSync(logDir);
    config = testConfig({
      TIME_ZONE: TZ,
      TEMPORAL_TASK_QUEUE: uniqueName('report-it'),
      REPORT_LOG_DIRS: logDir,
      REPORT_OUTPUT_DIR: outDir,
      REPORT_SCHEDULE_TIME: '00:15',
      KAFKA_TOPIC_REPORTS: uniqueName('reports'),
      KAFKA_TOPIC_ALERTS: uniqueName('alerts'),
    });
    settings = {
      scheduleId: uniqueName('daily-log-report-it'),
      taskQueue: config.temporal.taskQueue,
      scheduleTime: config.report.scheduleTime,
      timeZone: TZ,
    };
    const logger = createLogger({ level: 'warn', pretty: false });
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    client = new Client({ connection });
    const brokers = process.env.KAFKA_BROKERS!.split(',');
    kafka = createKafkajs(config.kafka, brokers, logger);
    const productKafka = await createKafkaClient(config.kafka, brokers, logger);
    await productKafka.ensureTopics([
      { topic: config.kafka.topicReports, partitions: 1 },
      { topic: config.kafka.topicAlerts, partitions: 1 },
    ]);
    producer = await productKafka.createProducer();
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    topics = await recordTopics(kafka, [config.kafka.topicReports, config.kafka.topicAlerts]);
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! }),
      taskQueue: config.temporal.taskQueue,
      workflowsPath: require.resolve('../../src/workflows/daily-report'),
      activities: createReportActivities({
        config,
        logger,
        pool,
        publisher: createKafkaEventPublisher(producer),
      }),
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    await schedule?.delete().catch(() => undefined);
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch(() => undefined);
    await topics?.stop();
    await producer?.disconnect();
    await pool?.end();
    await connection?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates the schedule with the configured spec, updates it idempotently and keeps an operator pause', async () => {
    expect(await ensureReportSchedule(client, settings)).toBe('created');
    schedule = client.schedule.getHandle(settings.scheduleId);
    const d = await schedule.describe();
    expect(d.spec.timezone).toBe(TZ);
    expect(d.spec.calendars).toHaveLength(1);
    expect(d.spec.calendars![0]).toMatchObject({
      hour: [{ start: 0, end: 0, step: 1 }],
      minute: [{ start: 15, end: 15, step: 1 }],
    });
    expect(d.policies).toEqual({ overlap: 'BUFFER_ONE', catchupWindow: 86_400_000, pauseOnFailure: false });
    expect(d.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: DAILY_REPORT_WORKFLOW_TYPE,
      taskQueue: settings.taskQueue,
      args: [{ timeZone: TZ }],
    });
    expect(d.state.paused).toBe(false);
    // The next run is at 00:15 Berlin time.
    const next = d.info.nextActionTimes[0];
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit' }).format(next),
    ).toBe('00:15');

    // A second worker start: updated, not duplicated; a changed time is applied; a pause survives.
    await schedule.pause('investigating disk usage');
    expect(await ensureReportSchedule(client, { ...settings, scheduleTime: '01:30' })).toBe('updated');
    const updated = await schedule.describe();
    expect(updated.spec.calendars![0]).toMatchObject({
      hour: [{ start: 1, end: 1, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });
    expect(updated.state).toMatchObject({ paused: true, note: 'investigating disk usage' });

    // The operator's view of it.
    const { stdout } = await execFileAsync(
      'npx',
      [
        'ts-node',
        '--transpile-only',
        'src/cli.ts',
        'report',
        'describe',
        '--schedule-id',
        settings.scheduleId,
      ],
      { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, TIME_ZONE: TZ } },
    );
    expect(stdout).toContain(`schedule:        ${settings.scheduleId}`);
    expect(stdout).toContain('state:           PAUSED — investigating disk usage');
    expect(stdout).toMatch(/spec: +daily at 01:30 Europe\/Berlin/);
    expect(stdout).toContain('overlap policy:  BUFFER_ONE');
    expect(stdout).toContain('catch-up window: 24 h');

    await ensureReportSchedule(client, settings);
    await schedule.unpause('back to normal');
  });

  it('a triggered run reports on yesterday (local) and writes the JSON, the HTML and a Kafka summary', async () => {
    expect(schedule).toBeDefined();
    const date = reportDateForRunAt(Date.now(), TZ);
    fs.writeFileSync(path.join(logDir, 'trigger.log'), dayOfLogs(date, 4, 0, 1));
    await schedule!.trigger();
    const report = await waitFor(`report ${date}`, () => readReport(outDir, date));
    expect(report).toMatchObject({ reportDate: date, timeZone: TZ });
    expect(report.totals.inWindow).toBe(6);
    expect(report.errorAnalysis.totalErrors).toBe(4);
    expect(report.errorAnalysis.hourlyTimeline.find((h) => h.label === '12:00')?.errors).toBe(4);
    expect(report.performanceAnalysis.slowOperations).toBe(1);
    expect(report.health).toMatchObject({ score: 100, grade: 'Excellent' });
    const html = fs.readFileSync(
      path.join(outDir, `daily_log_report_${date.replace(/-/g, '')}.html`),
      'utf8',
    );
    expect(html).toContain('<svg');
    expect(html).toContain(`Daily log report ${date}`);

    const summary = await waitFor('summary on Kafka', () =>
      topics.received.find((m) => m.topic === config.kafka.topicReports && m.value.report_date === date),
    );
    expect(summary.value).toMatchObject({
      event_type: 'daily_log_report',
      grade: 'Excellent',
      health_score: 100,
      total_errors: 4,
    });
    expect(String(summary.value.summary)).toContain(
      `Daily log report ${date} (${TZ}): health 100/100, Excellent`,
    );

    // The scheduled run started the report under the date's own workflow id.
    const child = await client.workflow.getHandle(dailyReportWorkflowId(date)).describe();
    expect(child.type).toBe(DAILY_REPORT_WORKFLOW_TYPE);
    expect(child.searchAttributes.ReportDate).toEqual([date]);
  });

  it('the CLI writes a report now for a given date and pauses/resumes the schedule', async () => {
    expect(schedule).toBeDefined();
    fs.writeFileSync(path.join(logDir, 'cli.log'), dayOfLogs('2024-04-20', 3, 1, 0));
    const cli = (...args: string[]) =>
      execFileAsync('npx', ['ts-node', '--transpile-only', 'src/cli.ts', 'report', ...args], {
        cwd: path.resolve(__dirname, '../..'),
        env: { ...process.env, TIME_ZONE: TZ, TEMPORAL_TASK_QUEUE: config.temporal.taskQueue },
      });
    const { stdout } = await cli('now', '--date', '2024-04-20');
    expect(stdout).toContain(
      `started ${dailyReportWorkflowId('2024-04-20')} on task queue ${config.temporal.taskQueue}`,
    );
    expect(stdout).toContain(
      'report 2024-04-20: health 85/100 (Good), 4 errors (1 critical), 0 slow operations',
    );
    expect(readReport(outDir, '2024-04-20')?.errorAnalysis.criticalErrors).toBe(1);

    await cli('pause', '--reason', 'maintenance', '--schedule-id', settings.scheduleId);
    expect((await schedule!.describe()).state).toMatchObject({ paused: true, note: 'maintenance' });
    await cli('resume', '--schedule-id', settings.scheduleId);
    expect((await schedule!.describe()).state).toMatchObject({
      paused: false,
      note: 'resumed from the command line',
    });
  });

  it('a backfill of three days writes three reports, one run at a time, and alerts on the Poor day', async () => {
    expect(schedule).toBeDefined();
    const days = ['2024-05-01', '2024-05-02', '2024-05-03'];
    fs.writeFileSync(
      path.join(logDir, 'backfill.log'),
      dayOfLogs(days[0], 1, 0, 0) + dayOfLogs(days[1], 2, 0, 0),
    );
    // The third day is Poor: 101 errors (−40), 6 critical (−30), 21 slow operations (−30).
    fs.writeFileSync(path.join(logDir, 'backfill.log.1'), dayOfLogs(days[2], 101, 6, 21));
    await execFileAsync(
      'npx',
      [
        'ts-node',
        '--transpile-only',
        'src/cli.ts',
        'report',
        'backfill',
        days[0],
        days[2],
        '--schedule-id',
        settings.scheduleId,
      ],
      { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, TIME_ZONE: TZ } },
    );
    const reports = await waitFor('three backfilled reports', () => {
      const found = days.map((d) => readReport(outDir, d));
      return found.every(Boolean) ? (found as DailyReport[]) : undefined;
    });
    expect(reports.map((r) => [r.reportDate, r.errorAnalysis.totalErrors, r.health.grade])).toEqual([
      ['2024-05-01', 1, 'Excellent'],
      ['2024-05-02', 2, 'Excellent'],
      ['2024-05-03', 107, 'Poor'],
    ]);
    expect(reports[2].health.score).toBe(0);

    // Never two at once: each date's run closed before the next one started.
    const runs = await Promise.all(
      days.map((d) => client.workflow.getHandle(dailyReportWorkflowId(d)).describe()),
    );
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].startTime.getTime()).toBeGreaterThanOrEqual(runs[i - 1].closeTime!.getTime());
    }

    const alert = await waitFor('Poor-grade alert', () =>
      topics.received.find((m) => m.topic === config.kafka.topicAlerts && m.value.report_date === days[2]),
    );
    expect(alert.value).toMatchObject({
      event_type: 'alert',
      priority: 'high',
      title: 'Daily log report 2024-05-03: health 0/100 (Poor)',
    });
    expect(topics.received.filter((m) => m.topic === config.kafka.topicAlerts)).toHaveLength(1);
  });
});
