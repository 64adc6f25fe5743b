import { z } from 'zod';

/**
 * One environment variable: how to parse it, what it is for, and what a person must write
 * when it is wrong. The README's configuration table is generated from these.
 */
export interface Setting<T> {
  env: string;
  schema: z.ZodType<T>;
  /** What the variable does, for the README. */
  description: string;
  /** What a valid value looks like, shown in errors and in the README. */
  expects: string;
  /** The default as the README shows it; absent means "unset". */
  defaultText?: string;
  /** Never echo the value (errors, logs). */
  secret?: boolean;
}

export function setting<T>(spec: Setting<T>): Setting<T> {
  return spec;
}

export type Settings = Record<string, Setting<unknown>>;
export type SettingsValues<S extends Settings> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

export interface ParseResult<T> {
  values: T;
  errors: string[];
}

/** Parses every setting of a group, collecting one error line per bad variable. */
export function parseSettings<S extends Settings>(
  settings: S,
  env: NodeJS.ProcessEnv,
): ParseResult<SettingsValues<S>> {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, spec] of Object.entries(settings)) {
    const raw = env[spec.env];
    // An empty variable means "not set": `FOO= npm start` should not be an error.
    const input = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
    const parsed = spec.schema.safeParse(input);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const shown = spec.secret || input === undefined ? '' : `=${JSON.stringify(input)}`;
      const problem = input === undefined ? 'is required' : 'is invalid';
      // A setting that reads a small language says which part was wrong (never for a secret).
      const specific = spec.secret
        ? []
        : parsed.error.issues
            .filter((issue) => issue.code === 'custom' && issue.params?.[EXPLAINS] === true)
            .map((issue) => issue.message);
      const detail = specific.length > 0 ? ` (${specific.join('; ')})` : '';
      errors.push(`${spec.env}${shown} ${problem}: expected ${spec.expects}${detail}`);
    }
  }
  return { values: values as SettingsValues<S>, errors };
}

/**
 * Marks a custom zod issue whose message says exactly what is wrong with the value: the error
 * line quotes it after what was expected (`ctx.addIssue({ code: 'custom', message, params: { [EXPLAINS]: true } })`).
 */
export const EXPLAINS = 'explainsValue';

// ---- reusable value schemas -------------------------------------------------------------

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

export const hostPort = z.string().regex(HOST_PORT);

export const hostPortList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(hostPort).min(1));

export const booleanFlag = z.stringbool({
  truthy: ['true', '1', 'yes', 'on'],
  falsy: ['false', '0', 'no', 'off'],
});

/** `A,B_2,c`: names a POSIX shell can export (a letter or "_" first, then letters, digits, "_"). */
export const environmentNameList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)));

export const port = z.coerce.number().int().min(1).max(65535);

export const positiveInt = z.coerce.number().int().positive();

export const ianaTimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
});

export const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/);

export const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/.+/);

export const httpUrl = z.url({ protocol: /^https?$/ });
