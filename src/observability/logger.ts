import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
}

/**
 * Logs always go to stderr: under stdio, stdout belongs to the protocol.
 * Secrets are redacted by path wherever they could appear in a logged object.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: {
        paths: ['apiKey', 'apiKeys', '*.apiKeys', '*.*.apiKeys', 'authorization', 'headers.authorization', 'requestStateSecret', '*.requestStateSecret'],
        censor: '[redacted]',
      },
      ...(options.format === 'pretty'
        ? {
            formatters: { level: (label: string) => ({ level: label }) },
            timestamp: pino.stdTimeFunctions.isoTime,
          }
        : {}),
    },
    destination,
  );
}

/** A logger that writes nothing, for code paths (like --validate-config) that must not log. */
export const silentLogger: Logger = pino({ level: 'silent' });
