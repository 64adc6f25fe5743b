import type { Pool } from 'pg';

/**
 * Follows guardian_decisions and reports when each event's row was recorded (`recorded_at`, ms
 * on the machine's clock). Rows are read by id with a look-back, because ids are taken at insert
 * and a transaction that took a lower id may commit after one that took a higher id.
 */
export class AuditRowFollower {
  readonly recordedAt = new Map<string, number>();
  private highestId = 0;

  constructor(
    private readonly pool: Pool,
    private readonly modelPrefix: string,
  ) {}

  async poll(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string; event_id: string; at: number }>(
      `SELECT id, event_id, extract(epoch FROM recorded_at) * 1000 AS at
         FROM guardian_decisions WHERE id > $1 AND model_name LIKE $2`,
      [Math.max(0, this.highestId - 5_000), `${this.modelPrefix}%`],
    );
    for (const row of rows) {
      this.highestId = Math.max(this.highestId, Number(row.id));
      if (!this.recordedAt.has(row.event_id)) this.recordedAt.set(row.event_id, Number(row.at));
    }
  }
}
