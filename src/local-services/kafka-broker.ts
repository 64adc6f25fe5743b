import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ManagedProcess, startManagedProcess, stopStaleProcess } from './managed-process';
import { assertPortFree, findFreePort, isPortOpen, waitUntil } from './ports';
import { provision } from './provision';
import { LocalServiceError } from './errors';
import {
  KafkaSecureListeners,
  scramFormatArgs,
  secureListenerPorts,
  secureListenerProperties,
} from './kafka-secure-listeners';

const execFileAsync = promisify(execFile);

export interface KafkaBroker {
  brokers: string[];
  /** `kafka-class CLASS ARGS…`: Kafka's own command-line tools on the same jars. */
  kafkaClassPath: string;
  process: ManagedProcess;
}

export interface KafkaBrokerOptions {
  dataDir: string;
  port: number;
  /** TLS and SASL listeners beside the plain one (off unless asked for). */
  secure?: KafkaSecureListeners;
  /** Server properties that replace the defaults below (fault drills and tests only). */
  overrides?: Record<string, string>;
}

function serverProperties(
  dataDir: string,
  port: number,
  controllerPort: number,
  secure: KafkaSecureListeners | undefined,
  overrides: Record<string, string> = {},
): string {
  const extra = secure ? secureListenerProperties(secure) : { listeners: [], protocols: [], settings: [] };
  const clientListeners = [`PLAINTEXT://127.0.0.1:${port}`, ...extra.listeners];
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=${[...clientListeners, `CONTROLLER://127.0.0.1:${controllerPort}`].join(',')}`,
    `advertised.listeners=${clientListeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=${['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...extra.protocols].join(',')}`,
    ...extra.settings,
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${path.join(dataDir, 'log')}`,
    'num.partitions=4',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=8',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    // Dead letters carry the original message plus context, so allow a little over 1 MiB.
    'message.max.bytes=4194304',
  ];
  const kept = lines.filter((line) => !(line.split('=')[0] in overrides));
  return [...kept, ...Object.entries(overrides).map(([key, value]) => `${key}=${value}`), ''].join('\n');
}

/** A single-node Kafka in KRaft mode on 127.0.0.1, from the Maven jars. */
export async function startKafkaBroker(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const kafkaClass = await provision('kafka');
  const dataDir = path.join(options.dataDir, 'kafka');
  fs.mkdirSync(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'kafka.pid');
  await stopStaleProcess(pidFile, 'kafka.Kafka');
  await assertPortFree(options.port, 'Kafka broker', 'LOCAL_KAFKA_PORT');
  for (const secure of secureListenerPorts(options.secure)) {
    await assertPortFree(secure, 'Kafka broker (secure listener)', 'LOCAL_KAFKA_PORT');
  }

  // The controller port is remembered: KRaft metadata names it, so it must not change between runs.
  const controllerPortFile = path.join(dataDir, 'controller.port');
  let controllerPort = fs.existsSync(controllerPortFile)
    ? Number(fs.readFileSync(controllerPortFile, 'utf8'))
    : 0;
  if (!controllerPort || (await isPortOpen(controllerPort))) {
    controllerPort = await findFreePort();
    fs.writeFileSync(controllerPortFile, String(controllerPort));
  }
  const propertiesFile = path.join(dataDir, 'server.properties');
  fs.writeFileSync(
    propertiesFile,
    serverProperties(dataDir, options.port, controllerPort, options.secure, options.overrides),
  );

  if (!fs.existsSync(path.join(dataDir, 'log', 'meta.properties'))) {
    // Like Kafka's own Uuid.randomUuid(): an id starting with "-" would be read as an option.
    let clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    try {
      await execFileAsync(kafkaClass, [
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propertiesFile,
        ...scramFormatArgs(options.secure),
      ]);
    } catch (err) {
      throw new LocalServiceError(`formatting Kafka storage in ${dataDir} failed: ${(err as Error).message}`);
    }
  }

  const proc = startManagedProcess({
    name: 'kafka',
    command: kafkaClass,
    args: ['kafka.Kafka', propertiesFile],
    logFile: path.join(dataDir, 'kafka.log'),
    pidFile,
    env: { ...process.env, KAFKA_HEAP_OPTS: process.env.KAFKA_HEAP_OPTS ?? '-Xmx768m -Xms256m' },
  });
  try {
    const ports = [options.port, ...secureListenerPorts(options.secure)];
    const allOpen = async () => (await Promise.all(ports.map((p) => isPortOpen(p)))).every(Boolean);
    await waitUntil('Kafka broker', allOpen, {
      timeoutMs: 90_000,
      abortReason: proc.exitDescription,
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { brokers: [`127.0.0.1:${options.port}`], kafkaClassPath: kafkaClass, process: proc };
}
