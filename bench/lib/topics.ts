import type { Kafka } from 'kafkajs';

const OTHER_TOPICS = ['video', 'video-requested', 'dead-letter', 'alerts'];

/**
 * Creates a benchmark run's own topics, `<run>.<name>`: the input topics with `partitions` each,
 * the video, dead-letter and alert topics with one.
 */
export async function createRunTopics(
  kafka: Kafka,
  run: string,
  inputs: string[],
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // A broker that just started may not serve metadata for new topics yet: retry a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            ...inputs.map((t) => ({ topic: `${run}.${t}`, numPartitions: partitions })),
            ...OTHER_TOPICS.map((t) => ({ topic: `${run}.${t}`, numPartitions: 1 })),
          ],
        });
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
