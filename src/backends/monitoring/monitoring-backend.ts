/** A raised check frequency for one model, as MONITOR asks for it. */
export interface MonitoringRaise {
  modelName: string;
  intervalSeconds: number;
  durationSeconds: number;
  reason: string;
  triggeringEventId: string;
}

/** Where MONITOR's raised check frequency goes: an HTTP monitoring service or PostgreSQL. */
export interface MonitoringBackend {
  readonly kind: 'http' | 'postgres';
  /**
   * Raises the model's check frequency until `now` + duration; returns when it ends. Repeating a
   * call for the same triggering event returns the first call's end instead of extending it.
   */
  raise(request: MonitoringRaise, now: Date): Promise<Date>;
}
