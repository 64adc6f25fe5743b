import { createHash } from 'node:crypto';

/**
 * A UUID derived from its parts (RFC 9562 version 8, SHA-256 based): the same input always
 * gives the same id, so a repeated notification is recognisable as a repeat downstream.
 */
export function nameBasedUuid(...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
