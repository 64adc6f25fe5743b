import type { Pool } from 'pg';
import { summaryAlarms } from '../../backends/alerts/alarm-store';
import type { Alarm } from '../../contracts/alarms';
import { errorMessage } from '../../domain/error-message';

const LISTED = 10;

export interface InformationAlarms {
  /** Low-priority alarms raised in the report's window (README "Alerting"): nobody was paged for them. */
  alarms: Array<Pick<Alarm, 'alarmId' | 'source' | 'subject' | 'kind' | 'title' | 'time'>>;
  /** Why they could not be read (PostgreSQL away): the report is written without them. */
  unavailable?: string;
}

/** The window's information alarms from the alarms table; a report is never lost over them. */
export async function readInformationAlarms(
  pool: Pool,
  window: { start: string; end: string },
): Promise<InformationAlarms> {
  try {
    const alarms = await summaryAlarms(pool, new Date(window.start), new Date(window.end));
    return {
      alarms: alarms.map(({ alarmId, source, subject, kind, title, time }) => ({
        alarmId,
        source,
        subject,
        ...(kind ? { kind } : {}),
        title,
        time,
      })),
    };
  } catch (err) {
    return { alarms: [], unavailable: errorMessage(err) };
  }
}

/** The lines the human summary gets: how many, and the first few titles. */
export function informationAlarmsText(info: InformationAlarms): string {
  if (info.unavailable) return `Information alarms: not available (${info.unavailable}).`;
  if (info.alarms.length === 0) return 'Information alarms: none.';
  const lines = info.alarms.slice(0, LISTED).map((a) => `- ${a.time} ${a.source} ${a.subject}: ${a.title}`);
  const more =
    info.alarms.length > LISTED ? [`- …and ${info.alarms.length - LISTED} more in the JSON report`] : [];
  return [`Information alarms: ${info.alarms.length}`, ...lines, ...more].join('\n');
}
