/** Reads SSE events from a fetch Response as they arrive, with bounded waits. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  readonly events: Array<{ id?: string; data: any }> = [];

  constructor(response: Response) {
    if (!response.body) throw new Error('response has no body');
    this.reader = response.body.getReader();
  }

  /** Reads until `done(events)` holds; throws after `timeoutMs` or when the stream ends first. */
  async until(done: (events: Array<{ id?: string; data: any }>) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; events so far: ${JSON.stringify(this.events)}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out; events so far: ${JSON.stringify(this.events)}`)), left))),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) {
        if (done(this.events)) return;
        throw new Error(`stream ended; events so far: ${JSON.stringify(this.events)}`);
      }
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
      this.drain();
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  private drain(): void {
    let at: number;
    while ((at = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const id = /^id: ?(.*)$/m.exec(block)?.[1];
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.replace(/^data: ?/, ''))
        .join('\n');
      if (data.trim()) this.events.push({ ...(id ? { id } : {}), data: JSON.parse(data) });
    }
  }
}
