import os from 'node:os';
import pino, { Logger, LoggerOptions } from 'pino';
import type { LogFiles } from './logging/log-files';
import { redactLogValue } from './redaction/redact-log-value';
import { createSecretScrubber, SecretScrubber } from './redaction/secret-scrubber';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: string;
  pretty: boolean;
  /**
   * Scrubs configured secret values (see configuredSecretValues) from every logged string.
   * Without one, fields with secret-looking names and credential patterns are still redacted.
   */
  scrubber?: SecretScrubber;
  /** Files that get every record too, and errors once more (LOG_FILE_DIR, logging/log-files.ts). */
  files?: LogFiles;
}

/** Shared by every logger of the process, so no two of its lines carry the same number. */
let nextLineNumber = 1;

const prettyTransport = { target: 'pino-pretty', options: { colorize: true } };

/**
 * The process's root logger: JSON lines by default, pretty when asked, secrets redacted; with
 * `files`, the same lines go to rotating files as well (standard output stays as it is).
 * Redaction is ours rather than pino's `redact` paths: those are case-sensitive, need every
 * nesting level spelled out and never look inside messages or errors.
 */
export function createLogger(settings: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const scrubber = settings.scrubber ?? createSecretScrubber();
  const redact = (value: unknown) => redactLogValue(value, scrubber);
  const scrubArg = (arg: unknown) => (typeof arg === 'string' ? scrubber.scrub(arg) : redact(arg));
  const options: LoggerOptions = {
    level: settings.level,
    // pid and hostname say which process wrote a line: the daily report tells a record's copy
    // in the error file from the same message logged by another process (record-copies.ts).
    base: { service: 'mlops-guardian', pid: process.pid, hostname: os.hostname() },
    // A line number per process: two records alike to the millisecond stay two for the report,
    // even when rotation puts them in different files.
    mixin: () => ({ seq: nextLineNumber++ }),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redact(bindings) as pino.Bindings,
      log: (object) => redact(object) as Record<string, unknown>,
    },
    // formatters.log has already serialised and scrubbed errors; this keeps pino's own error
    // serialiser from re-wrapping the plain result (and covers loggers that skip formatters).
    serializers: { err: (value: unknown) => (value instanceof Error ? redact(value) : value) },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (typeof first === 'object' && first !== null && rest.length === 0) {
          // With no message pino takes the error's own, which formatters never see.
          const err = first instanceof Error ? first : (first as { err?: unknown }).err;
          const hasMsg = (first as { msg?: unknown }).msg !== undefined;
          if (err instanceof Error && !hasMsg) return method.call(this, first, scrubber.scrub(err.message));
          return method.call(this, first);
        }
        const scrubbed = typeof first === 'object' ? [first, ...rest.map(scrubArg)] : args.map(scrubArg);
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  const logger = settings.files
    ? pino(options, withLogFiles(settings.files, destination ?? consoleStream(settings.pretty)))
    : destination
      ? pino(options, destination)
      : settings.pretty
        ? pino({ ...options, transport: prettyTransport })
        : pino(options);
  // pino runs formatters.bindings on the root's bindings only; children (made from the root by
  // prototype, so they inherit this override) have theirs redacted here. pino's own child is
  // called on `this`, so a grandchild is made from its parent and keeps the parent's bindings.
  const pinoChild = Object.getPrototypeOf(logger).child as Logger['child'];
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redact(bindings) as pino.Bindings, childOptions);
  } as Logger['child'];
  return logger;
}

/** What pino writes to when given no destination: standard output, or pino-pretty over it. */
function consoleStream(pretty: boolean): pino.DestinationStream {
  return pretty ? (pino.transport(prettyTransport) as pino.DestinationStream) : pino.destination(1);
}

/**
 * Every line to the console and the log file, error and fatal lines to the error file too. The
 * logger's own level filters first, so the console and the log file see the same lines.
 */
function withLogFiles(files: LogFiles, console: pino.DestinationStream): pino.DestinationStream {
  return pino.multistream([
    { level: 'trace', stream: console },
    { level: 'trace', stream: files.all },
    { level: 'error', stream: files.errors },
  ]);
}
