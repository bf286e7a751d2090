import { pino } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** Every log file this process writes to, by path, so that one SIGHUP reopens them all. */
const openFiles = new Map<string, Destination>();

/**
 * An appending, synchronous destination for `logging.file` (one per path: a reload that keeps the
 * file keeps it); a clear error when it cannot be opened.
 */
export function logFileDestination(file: string): Destination {
  let destination = openFiles.get(file);
  if (destination) return destination;
  try {
    destination = pino.destination({ dest: file, append: true, sync: true, mkdir: true });
  } catch (error) {
    throw new Error(`cannot open the log file ${file} (logging.file): ${error instanceof Error ? error.message : String(error)}`);
  }
  openFiles.set(file, destination);
  return destination;
}

/**
 * Reopens every log file by its path (after logrotate moved it away, the next line goes to a new
 * file). Called on SIGHUP, as part of the reload.
 */
export function reopenLogFiles(): void {
  for (const destination of openFiles.values()) destination.reopen();
}
