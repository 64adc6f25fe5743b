import type { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * Bytes a fetched message holds in memory: its value, key and headers. The value alone would
 * let a producer fill a partition's buffer with large headers that nothing counted.
 */
export function messageBytes(message: Pick<KafkaMessage, 'value' | 'key' | 'headers'>): number {
  return (message.value?.length ?? 0) + (message.key?.length ?? 0) + headerBytes(message.headers);
}

function headerBytes(headers: IHeaders | undefined): number {
  let total = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    total += Buffer.byteLength(name);
    for (const part of Array.isArray(value) ? value : [value]) {
      if (part === undefined) continue;
      total += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
    }
  }
  return total;
}
