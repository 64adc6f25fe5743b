import pino, { Logger, LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line. Wildcards cover nested config objects and
 * request headers; URLs with credentials are scrubbed separately (redactUrlCredentials).
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'secret',
  '*.secret',
  'key',
  '*.key',
  'sasl',
  '*.sasl',
  '*.*.sasl',
  'saslPassword',
  '*.saslPassword',
  '*.*.saslPassword',
  'databaseUrl',
  '*.databaseUrl',
  '*.*.databaseUrl',
  'alertWebhookUrl',
  '*.alertWebhookUrl',
  '*.*.alertWebhookUrl',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'connectionString',
  '*.connectionString',
];

export interface LoggerSettings {
  level: string;
  pretty: boolean;
}

/** The process's root logger: JSON lines by default, pretty when asked, secrets redacted. */
export function createLogger(settings: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'mlops-guardian' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  if (destination) return pino(options, destination);
  if (settings.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages that echo URLs. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}
