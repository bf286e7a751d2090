import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Reads "+<pgid>" and "-<pgid>" lines on stdin; when stdin ends (the server exited, however it
 * died: the kernel closes the pipe even after SIGKILL), it terminates the process groups still
 * listed, then kills what is left of them.
 */
const SCRIPT = `
trap '' INT HUP TERM
groups=' '
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) gone=\${line#-}; kept=' '; for g in $groups; do [ "$g" = "$gone" ] || kept="$kept$g "; done; groups=$kept ;;
  esac
done
[ "$groups" = ' ' ] && exit 0
for g in $groups; do kill -s TERM -- "-$g" 2>/dev/null; done
sleep 2
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
exit 0
`;

/**
 * Guards against orphans: every stdio upstream runs in a process group of its own, and a small
 * shell process (started on first use, in its own group too) holds the list of those groups. The
 * server removes a group once it has stopped it; if the server dies first, the reaper stops them.
 */
export class Reaper {
  private child: ChildProcess | undefined;
  private readonly groups = new Set<number>();

  track(pgid: number): void {
    this.groups.add(pgid);
    this.write(`+${pgid}`);
  }

  untrack(pgid: number): void {
    if (this.groups.delete(pgid) && this.child) this.write(`-${pgid}`);
  }

  /** Ends the reaper (the groups it still holds are stopped by it). */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private write(line: string): void {
    const alive = this.child && this.child.exitCode === null && this.child.signalCode === null;
    // a new reaper learns every group still running
    const lines = alive ? [line] : [...this.groups].map((pgid) => `+${pgid}`);
    const stdin = this.start().stdin;
    if (stdin?.writable) stdin.write(lines.map((text) => `${text}\n`).join(''));
  }

  private start(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    return this.spawn();
  }

  private spawn(): ChildProcess {
    const child = spawn('/bin/sh', ['-c', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    // neither the process nor its pipe keeps the server alive
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
