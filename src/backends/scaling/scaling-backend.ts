export interface ScalingChange {
  modelName: string;
  reason: string;
  triggeringEventId: string;
}

/** Where a serving service's instance count lives: an HTTP scaling service or PostgreSQL. */
export interface ScalingBackend {
  readonly kind: 'http' | 'postgres';
  /** The service's instance count now. */
  instances(serviceName: string): Promise<number>;
  /** Sets an absolute count (so a repeated call changes nothing); returns the count now in effect. */
  setInstances(serviceName: string, instances: number, change: ScalingChange): Promise<number>;
}

/** The target of a +delta change: never below 1, never above max, and never the wrong way. */
export function targetInstances(from: number, delta: number, max: number): number {
  if (delta > 0) return Math.max(from, Math.min(from + delta, max));
  if (delta < 0) return Math.min(from, Math.max(1, from + delta));
  return from;
}
