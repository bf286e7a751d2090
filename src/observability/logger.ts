import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
}

let stderr: DestinationStream | undefined;

/**
 * Logs always go to stderr: under stdio, stdout belongs to the protocol.
 * Secrets are redacted by path wherever they could appear in a logged object.
 */
export function createLogger(options: LoggerOptions): Logger {
  stderr ??= pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: {
        paths: ['apiKey', 'apiKeys', '*.apiKeys', '*.*.apiKeys', 'adminKeys', '*.adminKeys', '*.*.adminKeys', 'authorization', 'headers.authorization', 'requestStateSecret', '*.requestStateSecret'],
        censor: '[redacted]',
      },
      ...(options.format === 'pretty'
        ? {
            formatters: { level: (label: string) => ({ level: label }) },
            timestamp: pino.stdTimeFunctions.isoTime,
          }
        : {}),
    },
    stderr,
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
      if (next.format !== applied.format) current = createLogger(next);
      else if (next.level !== applied.level) current.level = next.level;
      applied = { ...next };
    },
  };
}

/** A logger that writes nothing, for code paths (like --validate-config) that must not log. */
export const silentLogger: Logger = pino({ level: 'silent' });
