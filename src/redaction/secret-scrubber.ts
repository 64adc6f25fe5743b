/** What every scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Shorter configured values are not scrubbed as text: a three-letter password would match
 * inside ordinary words and make every line unreadable, while guarding almost nothing.
 */
export const MIN_SCRUBBED_SECRET_LENGTH = 4;

/** Replaces secrets in free text (command output, error messages) before it leaves the process. */
export interface SecretScrubber {
  scrub(text: string): string;
}

// `scheme://user:password@host`: the password part, whatever the scheme.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/?#]*@/gi;
// `Authorization: Bearer abc`, `authorization=abc`, `"Authorization": "Basic abc"`: keep the scheme.
const AUTHORIZATION =
  /(\bauthorization\b["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest)\s+)?([^\s"',;]+)/gi;
// A bearer token quoted on its own, e.g. in a curl command line.
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// `PASSWORD=…`, `api_key: …`, `"client_secret": "…"`, `MLFLOW_TRACKING_TOKEN=…`, `?token=…&`;
// a placeholder value (see isPlaceholder) is left alone.
const SECRET_ASSIGNMENT =
  /\b([\w.-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))(["']?\s*[:=]\s*["']?)(?![<[])[^\s"'&,;]+/gi;

/** `<BRIDGE_HTTP_TOKEN>` in an operator hint, or `[redacted]` already: nothing to hide. */
function isPlaceholder(value: string): boolean {
  return value.startsWith('<') || value.startsWith('[');
}

/** Credentials recognisable by their shape, whatever their value: URL userinfo, auth headers, `token=…`. */
export function scrubCredentialPatterns(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(AUTHORIZATION, (match, prefix: string, scheme: string | undefined, value: string) => {
      if (isPlaceholder(value)) return match;
      return scheme ? `${prefix}${scheme} ${REDACTED}` : `${prefix}${REDACTED}`;
    })
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(SECRET_ASSIGNMENT, `$1$2${REDACTED}`);
}

/**
 * The forms a configured value may take in output: itself, and for a URL its normalised form
 * and its password, raw and percent-decoded (a script may print `PGPASSWORD` on its own).
 */
function formsOf(value: string): string[] {
  const forms = [value];
  try {
    const url = new URL(value);
    forms.push(url.href);
    if (url.password) forms.push(url.password, safeDecode(url.password));
  } catch {
    // Not a URL: the value itself is all there is.
  }
  return forms;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A scrubber for the given secret values (see configuredSecretValues) plus the credential
 * patterns. Longer values are matched first, so a URL is replaced whole rather than around
 * its password.
 */
export function createSecretScrubber(secretValues: Iterable<string | undefined> = []): SecretScrubber {
  const forms = new Set<string>();
  for (const value of secretValues) {
    if (typeof value !== 'string') continue;
    for (const form of formsOf(value.trim())) {
      if (form.length >= MIN_SCRUBBED_SECRET_LENGTH) forms.add(form);
    }
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  const values = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  return {
    scrub(text: string): string {
      const withoutValues = values ? text.replace(values, REDACTED) : text;
      return scrubCredentialPatterns(withoutValues);
    },
  };
}
