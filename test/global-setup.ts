import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startLocalStack } from '../src/local-services/local-stack';
import { freeLocalServicePorts } from '../src/local-services/ports';
import { PROJECT_ROOT, provision } from '../src/local-services/provision';
import { removeOnExit } from '../src/local-services/service-reaper';
import { installExitPath, onExit } from '../src/workers/exit-path';

/**
 * Starts the real local stack once for the whole run, on free loopback ports and a fresh
 * data directory, and hands its addresses to the tests through the environment
 * (workers inherit it). TEST_SKIP_STACK=1 skips it for unit-only runs.
 *
 * Ctrl-C, SIGTERM, SIGHUP or a crash of the test run stops the stack through the product's exit
 * path; if Jest is killed outright, the service reaper stops it and removes its data.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEMPORAL_TEST_SERVER_PATH ??= await provision('test-server');
  process.env.TEMPORAL_CLI_PATH ??= await provision('temporal-cli');
  process.env.KAFKA_CLASS_PATH ??= await provision('kafka');
  process.env.FFMPEG_PATH ??= await provision('ffmpeg');
  if (process.env.TEST_SKIP_STACK === '1') return;

  const logger = createLogger({ level: 'warn', pretty: false });
  installExitPath(logger);
  const { stack, dataDir } = await startTestStack(logger);
  const forget = onExit('test stack', () => stack.stop());
  Object.assign(process.env, {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    DATABASE_URL: stack.databaseUrl,
    TEST_DATA_DIR: dataDir,
  });
  (globalThis as { __localStack?: unknown }).__localStack = { stack, dataDir, forget };
}

/** Attempts at starting the stack: free ports are found first and bound later, so another stack
 * starting on the same machine at the same moment can take one in between. */
const STACK_ATTEMPTS = 3;

async function startTestStack(logger: ReturnType<typeof createLogger>) {
  for (let attempt = 1; ; attempt++) {
    const dataDir = path.join(PROJECT_ROOT, '.services', 'test-data', `${process.pid}-${attempt}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const env = {
      ...process.env,
      LOCAL_SERVICES_DIR: dataDir,
      ...(await freeLocalServicePorts()),
      TEMPORAL_ADDRESS: '',
      KAFKA_BROKERS: '',
      DATABASE_URL: '',
    };
    removeOnExit(dataDir);
    try {
      // A throwaway stack in its own data directory, removed afterwards: durability buys nothing here.
      const stack = await startLocalStack(loadConfig(env), logger, {
        headless: true,
        postgresWithoutFsync: true,
      });
      return { stack, dataDir };
    } catch (err) {
      if (attempt >= STACK_ATTEMPTS) throw err;
      logger.warn({ err, attempt }, 'the test stack did not start; trying again on other ports');
    }
  }
}
