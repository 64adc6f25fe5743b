import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** [major, minor] of the Kafka jars the local broker and these tools run on. */
export function kafkaVersion(): [number, number] {
  const lib = path.join(path.dirname(process.env.KAFKA_CLASS_PATH!), 'lib');
  const core = fs.readdirSync(lib).find((f) => /^kafka_2\.13-\d+\.\d+/.test(f));
  const [, major, minor] = core?.match(/^kafka_2\.13-(\d+)\.(\d+)/) ?? [];
  if (!major) throw new Error(`no kafka_2.13 jar in ${lib}`);
  return [Number(major), Number(minor)];
}

/** The console producer's main class: Kafka 4 moved it from kafka.tools to org.apache.kafka.tools. */
export function consoleProducerClass(): string {
  return kafkaVersion()[0] >= 4 ? 'org.apache.kafka.tools.ConsoleProducer' : 'kafka.tools.ConsoleProducer';
}

/** The console consumer's option for its formatter's settings: Kafka 4.1 renamed --property. */
export function consoleFormatterOption(): string {
  const [major, minor] = kafkaVersion();
  return major > 4 || (major === 4 && minor >= 1) ? '--formatter-property' : '--property';
}

/** Runs one of Kafka's own command-line tools, on the same jars as the local broker; resolves stdout. */
export function kafkaTool(mainClass: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.KAFKA_CLASS_PATH!, [mainClass, ...args], {
      env: { ...process.env, KAFKA_HEAP_OPTS: '-Xmx256m' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${mainClass} exited ${code}: ${err}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** Kafka's own console producer: one keyed JSON message per entry (keyed, so a model's events stay in order). */
export async function consoleProduce(
  topic: string,
  messages: Array<[key: string, value: object]>,
): Promise<void> {
  const lines = messages.map(([key, value]) => `${key}|${JSON.stringify(value)}`).join('\n') + '\n';
  await kafkaTool(
    consoleProducerClass(),
    [
      '--bootstrap-server',
      process.env.KAFKA_BROKERS!.split(',')[0],
      '--topic',
      topic,
      '--property',
      'parse.key=true',
      '--property',
      'key.separator=|',
    ],
    lines,
  );
}
