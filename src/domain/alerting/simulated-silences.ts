import type { TimelineSilence } from './alarm-timeline';
import { validateSilence } from './silence-matchers';

export type SilencesReading = { ok: true; silences: TimelineSilence[] } | { ok: false; errors: string[] };

// A simulation has no "now": a silence is judged against the events' own times, so the only end
// that can be refused as past is one before the epoch, and one without a start holds from the first event.
const BEGINNING = new Date(0);

/**
 * Silences for `simulate`: a JSON array, or one JSON object per line, each in the shape
 * `POST /silences` takes ({matchers, creator, comment, endsAt, startsAt?}) — so the output of
 * `silence list --json` works too (its silenceId names the silence). Checked by validateSilence,
 * as the CLI and HTTP check them; every bad entry is reported with its position.
 */
export function readSimulatedSilences(text: string): SilencesReading {
  const trimmed = text.trim();
  let entries: Array<{ where: string; value: unknown }>;
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(trimmed);
    } catch (err) {
      return { ok: false, errors: [`not JSON: ${(err as Error).message}`] };
    }
    entries = (list as unknown[]).map((value, i) => ({ where: `entry ${i + 1}`, value }));
  } else {
    entries = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      try {
        entries.push({ where: `line ${i + 1}`, value: JSON.parse(lines[i]) });
      } catch (err) {
        entries.push({ where: `line ${i + 1}`, value: `not JSON: ${(err as Error).message}` });
      }
    }
  }
  const silences: TimelineSilence[] = [];
  const errors: string[] = [];
  entries.forEach(({ where, value }, i) => {
    if (typeof value === 'string') return errors.push(`${where}: ${value}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return errors.push(`${where}: a silence must be an object {matchers, creator, comment, endsAt}`);
    const raw = value as Record<string, unknown>;
    const checked = validateSilence(raw, BEGINNING);
    if (!checked.ok) return errors.push(`${where}: ${checked.error}`);
    const { silence } = checked;
    silences.push({
      id:
        typeof raw.silenceId === 'string' && raw.silenceId.trim() !== '' ? raw.silenceId : `silence-${i + 1}`,
      matchers: silence.matchers,
      startsAt: silence.startsAt ?? BEGINNING,
      endsAt: silence.endsAt,
      creator: silence.creator,
      comment: silence.comment,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, silences };
}
