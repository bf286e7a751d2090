import type { DestinationStream } from 'pino';

/** pino's numeric levels, as `logging.format: pretty` prints them. */
const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Readonly<Record<string, string>> = { TRACE: '90', DEBUG: '36', INFO: '32', WARN: '33', ERROR: '31', FATAL: '35' };
/** Fields every line has, or that the line shows in its own place. */
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err']);

const two = (n: number) => String(n).padStart(2, '0');
const clock = (time: Date) => `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * One JSON log line as a line for people: `12:00:01.250 INFO  listening on … url=…`, then an error's
 * stack, indented. A line that is not a JSON object is passed on as it is.
 */
export function prettyLine(json: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = LEVELS[entry.level as number] ?? String(entry.level ?? '').toUpperCase();
  const label = color ? `\u001b[${COLORS[level] ?? '0'}m${level.padEnd(5)}\u001b[0m` : level.padEnd(5);
  const time = typeof entry.time === 'number' || typeof entry.time === 'string' ? clock(new Date(entry.time)) : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const err = entry.err as { message?: unknown; stack?: unknown } | undefined;
  const message = [entry.msg, ...(err?.message && err.message !== entry.msg ? [`(${String(err.message)})`] : [])].filter((part) => part !== undefined && part !== '').join(' ');
  const head = [time, label, message, ...fields].filter(Boolean).join(' ');
  const stack = typeof err?.stack === 'string' ? `\n${err.stack.replace(/^/gm, '    ')}` : '';
  return `${head}${stack}\n`;
}

/** A destination that writes each JSON line pino hands it to `target` as a pretty line. */
export function prettyDestination(target: DestinationStream, color: boolean): DestinationStream {
  return { write: (line: string) => target.write(prettyLine(line.replace(/\n$/, ''), color)) };
}
