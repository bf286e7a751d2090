import { pipeline, type Writable } from 'node:stream';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { checkAnsweredAhead, initializeResult, isAnswerableInitialize, type AnswerableInitialize, type InitializeResult } from '../server/initialize-answer.js';
import { INVALID_REQUEST } from './http/json-rpc-error.js';
import { JsonLinesTransport } from './json-lines-transport.js';
import { MessageSizeGuard, type OversizedMessage } from './message-size-guard.js';
import { claimStdout } from './protocol-stdout.js';

/**
 * The stdio connection, opened before the server is built (this module does not load the SDK):
 * it reads from the start and answers a plain 2025-era `initialize` at once, from the config, while
 * the SDK, the modules and storage load; every other message waits for the server. handOver() then
 * gives the server that `initialize` again (its answer is compared with the one sent, not sent
 * again) and what was read meanwhile, in order. A message over transport.stdio.maxMessageBytes is
 * refused on its own (the session goes on).
 */
export class StdioOpening {
  readonly wire: JsonLinesTransport;
  /** Why the connection failed (stdin or stdout), once it did. */
  failure: string | undefined;
  stdinEnded = false;
  private config: () => Config;
  private readonly held: unknown[] = [];
  private answered: { request: AnswerableInitialize; result: InitializeResult } | undefined;
  private first = true;

  constructor(
    config: () => Config,
    private readonly log: Logger,
    private readonly version: string,
  ) {
    this.config = config;
    const out: Writable = claimStdout(log).writable;
    process.stdin.once('end', () => (this.stdinEnded = true));
    process.stdin.once('error', (error) => (this.failure ??= `stdin failed: ${error.message}`));
    out.once('error', (error) => (this.failure ??= `stdout failed: ${error.message}`));
    const input = new MessageSizeGuard(
      () => this.config().transport.stdio.maxMessageBytes,
      (message) => this.refuse(message),
    );
    pipeline(process.stdin, input, () => undefined); // errors reach the transport through `input`
    // requests read before stdin ends are still answered, for as long as a shutdown lets calls finish
    this.wire = new JsonLinesTransport(input, out, () => this.config().transport.shutdownTimeoutSeconds * 1000);
    // A socket copy of stdout sees the client close its end and closes without an error, which the
    // SDK's transport (it watches for errors only) would never notice: end the transport here.
    out.once('close', () => {
      this.failure ??= 'stdout closed by the client';
      this.wire.close().catch(() => undefined);
    });
    this.wire.intercept = (message) => {
      const first = this.first;
      this.first = false;
      if (first && isAnswerableInitialize(message)) this.answer(message);
      else this.held.push(message);
      return true;
    };
    this.wire.listen();
  }

  /** Where the limits are read from now on (the runtime's config, which a reload replaces). */
  follow(config: () => Config): void {
    this.config = config;
  }

  /** Whether `initialize` was answered ahead of the server. */
  get answeredInitialize(): boolean {
    return this.answered !== undefined;
  }

  /** Hands the connection to the server: `serve` gets every message from now on, starting with what was read until now. */
  handOver(serve: (message: unknown) => void): void {
    if (this.answered) {
      const { request, result } = this.answered;
      this.wire.replay(request, (answer) => checkAnsweredAhead(this.log, result, answer));
    }
    for (const message of this.held.splice(0)) serve(message);
    this.wire.intercept = (message) => {
      serve(message);
      return true;
    };
  }

  private answer(request: AnswerableInitialize): void {
    const result = initializeResult(this.config().server, this.version, request.params.protocolVersion);
    this.answered = { request, result };
    this.wire.answerAhead({ jsonrpc: '2.0', id: request.id, result }).catch((error: unknown) => this.log.warn({ err: error }, 'could not answer initialize'));
  }

  private refuse({ bytes, id, method }: OversizedMessage): void {
    const limit = this.config().transport.stdio.maxMessageBytes;
    const detail = { bytes, maxMessageBytes: limit, ...(id !== undefined ? { id } : {}), ...(method ? { method } : {}) };
    if (id === undefined || method === undefined) {
      const what = id === undefined ? 'no request id could be read, so no error was sent' : 'a response, dropped';
      return this.log.warn(detail, `refused a message over transport.stdio.maxMessageBytes: ${what}`);
    }
    this.log.warn(detail, 'refused a request over transport.stdio.maxMessageBytes; answered with an error');
    const message = `Request too large: ${bytes} bytes, over the limit of ${limit} bytes (transport.stdio.maxMessageBytes)`;
    this.wire.send({ jsonrpc: '2.0', id, error: { code: INVALID_REQUEST, message } }).catch((error: unknown) => this.log.warn({ err: error }, 'could not answer an oversized request'));
  }
}
