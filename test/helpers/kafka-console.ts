import { spawn } from 'node:child_process';

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
    'kafka.tools.ConsoleProducer',
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
