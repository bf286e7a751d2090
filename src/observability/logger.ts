import { pino, type DestinationStream, type Logger } from 'pino';
import { logFileDestination } from './log-file.js';
import { prettyDestination } from './pretty-lines.js';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Append to this file instead of stderr (logging.file). */
  file?: string | undefined;
}

let stderr: DestinationStream | undefined;

/**
 * Logs go to stderr (under stdio, stdout belongs to the protocol), or to `logging.file`: JSON lines,
 * or (`pretty`) lines for people, coloured on a terminal unless NO_COLOR is set.
 * Secrets are redacted by path wherever they could appear in a logged object.
 */
export function createLogger(options: LoggerOptions): Logger {
  stderr ??= pino.destination({ fd: 2, sync: true });
  const target = options.file ? logFileDestination(options.file) : stderr;
  const color = !options.file && process.stderr.isTTY === true && !process.env.NO_COLOR;
  const destination = options.format === 'pretty' ? prettyDestination(target, color) : target;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: {
        paths: ['apiKey', 'apiKeys', '*.apiKeys', '*.*.apiKeys', 'adminKeys', '*.adminKeys', '*.*.adminKeys', 'authorization', 'headers.authorization', 'requestStateSecret', '*.requestStateSecret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export interface ReconfigurableLogger {
  /** Always logs with the latest options; children made from it keep the options of their making. */
  readonly log: Logger;
  reconfigure(options: LoggerOptions): void;
}

/** A logger whose level and format a reload can change, for everyone holding it. */
export function createReconfigurableLogger(options: LoggerOptions): ReconfigurableLogger {
  let current = createLogger(options);
  let applied = { ...options };
  // An empty target: the proxy forwards everything, so no invariant ties it to the first logger.
  const log = new Proxy({} as Logger, {
    get(_target, property) {
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
    set: (_target, property, value) => Reflect.set(current, property, value, current),
    has: (_target, property) => property in current,
  });
  return {
    log,
    reconfigure(next) {
      if (next.format !== applied.format || next.file !== applied.file) {
        try {
          current = createLogger(next);
        } catch (error) {
          // An unwritable new logging.file: keep logging where we did, and say so there.
          current.error({ err: error }, 'logging not reconfigured');
          return;
        }
      } else if (next.level !== applied.level) current.level = next.level;
      applied = { ...next };
    },
  };
}

/** A logger that writes nothing, for code paths (like --validate-config) that must not log. */
export const silentLogger: Logger = pino({ level: 'silent' });
