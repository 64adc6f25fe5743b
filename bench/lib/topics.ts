import type { KafkaClient } from '../../src/clients/kafka-client';

const OTHER_TOPICS = ['video', 'video-requested', 'dead-letter', 'alerts'];

/**
 * Creates a benchmark run's own topics, `<run>.<name>`: the input topics with `partitions` each,
 * the video, dead-letter and alert topics with one.
 */
export async function createRunTopics(
  kafka: KafkaClient,
  run: string,
  inputs: string[],
  partitions: number,
): Promise<void> {
  const topics = [
    ...inputs.map((t) => ({ topic: `${run}.${t}`, partitions })),
    ...OTHER_TOPICS.map((t) => ({ topic: `${run}.${t}`, partitions: 1 })),
  ];
  // A broker that just started may not serve metadata for new topics yet: retry a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await kafka.ensureTopics(topics);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
