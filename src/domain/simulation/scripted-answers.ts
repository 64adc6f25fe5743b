import { answerShapeProblem } from '../approval/approval-requests';
import { clipText } from '../clip-text';
import { readTimestamp } from '../ingest/timestamps';

/**
 * The answers people would give, for `simulate --approvals FILE`: one JSON object per line (or a
 * JSON array of them), each naming the request by the event that caused it (`event_id`) or by its
 * id (`request_id`), with `answer` approve or reject, `by`, an optional `reason`, and `at`, the
 * event time the answer comes (read as event timestamps are).
 */
export interface ScriptedAnswer {
  /** 1-based line (or array position) in the file, for error lines. */
  line: number;
  eventId?: string;
  requestId?: string;
  /** Needed only when two models' requests share an event id. */
  modelName?: string;
  verdict: 'approved' | 'rejected';
  by: string;
  reason?: string;
  /** Epoch ms. */
  at: number;
}

export type ReadAnswers = { answers: ScriptedAnswer[]; errors: Array<{ line: number; error: string }> };

const VERDICTS: Record<string, ScriptedAnswer['verdict']> = { approve: 'approved', reject: 'rejected' };
const text = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * Reads the file's answers; a bad entry is an error naming its line and what is wrong (the
 * guardian's own validator speaks for `by` and `reason`), and the others are still read.
 */
export function readScriptedAnswers(content: string, producerTimeZone: string): ReadAnswers {
  const entries = splitEntries(content);
  const answers: ScriptedAnswer[] = [];
  const errors: ReadAnswers['errors'] = [];
  for (const entry of entries) {
    if ('error' in entry) {
      errors.push(entry);
      continue;
    }
    const read = readAnswer(entry.value, producerTimeZone);
    if (typeof read === 'string') errors.push({ line: entry.line, error: read });
    else answers.push({ ...read, line: entry.line });
  }
  return { answers: answers.sort((a, b) => a.at - b.at || a.line - b.line), errors };
}

type Entry = { line: number; value: unknown } | { line: number; error: string };

function splitEntries(content: string): Entry[] {
  const trimmed = content.trim();
  if (trimmed.startsWith('[')) {
    try {
      const list = JSON.parse(trimmed) as unknown[];
      return list.map((value, i) => ({ line: i + 1, value }));
    } catch (err) {
      return [{ line: 1, error: `not a JSON array: ${(err as Error).message}` }];
    }
  }
  return content.split('\n').flatMap((raw, i): Entry[] => {
    if (raw.trim() === '') return [];
    try {
      return [{ line: i + 1, value: JSON.parse(raw) as unknown }];
    } catch (err) {
      return [{ line: i + 1, error: `not JSON: ${(err as Error).message}` }];
    }
  });
}

function readAnswer(value: unknown, producerTimeZone: string): Omit<ScriptedAnswer, 'line'> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'an answer must be an object: {"event_id": "…", "answer": "approve", "by": "NAME", "reason": "…", "at": "…"}';
  const raw = value as Record<string, unknown>;
  const eventId = text(raw.event_id);
  const requestId = text(raw.request_id);
  if (!eventId && !requestId)
    return 'name the request: event_id (the event whose decision waits) or request_id (approval:…)';
  const verdict = typeof raw.answer === 'string' ? VERDICTS[raw.answer.trim().toLowerCase()] : undefined;
  if (!verdict)
    return `answer must be approve or reject, got ${clipText(JSON.stringify(raw.answer ?? null), 40)}`;
  const shape = answerShapeProblem({ requestId: requestId ?? eventId, by: raw.by, reason: raw.reason });
  if (shape) return shape.message;
  if (raw.at === undefined) return 'at is missing: the event time the answer comes';
  const at = readTimestamp(raw.at, producerTimeZone);
  if (!at.ok) return at.reason.replace(/^timestamp/, 'at');
  return {
    ...(eventId ? { eventId } : {}),
    ...(requestId ? { requestId } : {}),
    ...(text(raw.model_name) ? { modelName: text(raw.model_name) } : {}),
    verdict,
    by: (raw.by as string).trim(),
    ...(typeof raw.reason === 'string' && raw.reason.trim() ? { reason: raw.reason.trim() } : {}),
    at: Date.parse(at.iso),
  };
}
