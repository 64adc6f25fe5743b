/**
 * Slow-operation thresholds of README "Daily log report" and how an operation finds its category.
 *
 * The category is read from the operation text first and, when that names none, from the
 * component; keywords are matched case-insensitively, in this order:
 * - database operation (2 s): `database`, `db`, `sql`, `query`, `postgres`, `insert`, `select`
 * - api call (5 s): `api`, `http`, `request`, `endpoint`
 * - data processing (30 s): `data processing`, `processing`, `process`, `etl`, `transform`, `batch`
 * - anything else (10 s)
 * Database comes first because "database query via API" is bound by the database. An operation
 * is slow when it took strictly longer than its threshold (5.000 s for an api call is not slow).
 */

export type OperationCategory = 'database' | 'api' | 'data_processing' | 'other';

export const SLOW_THRESHOLD_SECONDS: Readonly<Record<OperationCategory, number>> = {
  database: 2,
  api: 5,
  data_processing: 30,
  other: 10,
};

export const CATEGORY_LABELS: Readonly<Record<OperationCategory, string>> = {
  database: 'database operation',
  api: 'api call',
  data_processing: 'data processing',
  other: 'other',
};

const KEYWORDS: ReadonlyArray<[OperationCategory, readonly string[]]> = [
  ['database', ['database', 'db', 'sql', 'query', 'postgres', 'insert', 'select']],
  ['api', ['api', 'http', 'request', 'endpoint']],
  ['data_processing', ['data processing', 'processing', 'process', 'etl', 'transform', 'batch']],
];

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `db` must be a word of its own (`db.query`, `db_write`), not a piece of `feedback`. */
function hasKeyword(text: string, keyword: string): boolean {
  if (keyword.length > 3) return text.includes(keyword);
  for (let at = text.indexOf(keyword); at >= 0; at = text.indexOf(keyword, at + 1)) {
    const before = at === 0 ? 32 : text.charCodeAt(at - 1);
    const after = at + keyword.length >= text.length ? 32 : text.charCodeAt(at + keyword.length);
    if (!isLetter(before) && !isLetter(after)) return true;
  }
  return false;
}

function categoryOfText(text: string): OperationCategory | undefined {
  const lower = text.toLowerCase();
  for (const [category, words] of KEYWORDS) {
    for (const w of words) if (hasKeyword(lower, w)) return category;
  }
  return undefined;
}

/** The category of an operation (see the module comment). */
export function operationCategory(operation: string, component: string): OperationCategory {
  return categoryOfText(operation) ?? categoryOfText(component) ?? 'other';
}

/** True when the operation took strictly longer than its category's threshold. */
export function isSlow(category: OperationCategory, seconds: number): boolean {
  return seconds > SLOW_THRESHOLD_SECONDS[category];
}
