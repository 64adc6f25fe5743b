import type { ConsumedMessage, KafkaHeaders } from '../clients/kafka-client';

/**
 * Bytes a fetched message holds in memory: its value, key and headers. The value alone would
 * let a producer fill a partition's buffer with large headers that nothing counted.
 */
export function messageBytes(
  message: Pick<ConsumedMessage, 'value' | 'key'> & { headers?: KafkaHeaders },
): number {
  return (message.value?.length ?? 0) + (message.key?.length ?? 0) + headerBytes(message.headers);
}

function headerBytes(headers: KafkaHeaders | undefined): number {
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
