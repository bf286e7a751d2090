import type { JSONRPCMessage, McpServer, MessageExtraInfo } from '@modelcontextprotocol/server';
import { createLiveMcpServer } from '../../server/build-server.js';
import { listOf, type ServerEvent } from '../../server/events.js';
import { checkAnsweredAhead, initializeResult, isAnswerableInitialize, type AnswerableInitialize, type InitializeResult } from '../../server/initialize-answer.js';
import { Replays } from '../../server/replayed-request.js';
import { countAnsweredAhead } from '../../server/request-metrics.js';
import type { Runtime } from '../../server/runtime.js';
import type { SessionTransport } from './session-transport.js';

interface AnsweredAhead {
  request: AnswerableInitialize;
  extra: MessageExtraInfo | undefined;
  result: InitializeResult;
  /** The registry generation it was answered from (a reload before the server is built changes the answer). */
  generation: number;
}

/**
 * The SDK server of one 2025 session, built on the session's first request after `initialize`
 * rather than at it: an idle session (initialize, initialized, a GET stream) holds its transport
 * only. A plain `initialize` is answered from the config (server/initialize-answer.ts); the
 * notifications that follow it wait. Once built, the server gets that `initialize` again under an
 * id of its own (its answer compared with the one sent, then dropped), the waiting notifications,
 * then the request that needed it. Anything else first is served by a server built at once.
 * Until then, the client hears of list changes from here, as the server would have told it.
 */
export class LazySessionServer {
  private server: McpServer | undefined;
  private answered: AnsweredAhead | undefined;
  private readonly waiting: Array<[JSONRPCMessage, MessageExtraInfo | undefined]> = [];
  private readonly replays = new Replays();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly runtime: Runtime,
    private readonly transport: SessionTransport,
  ) {
    transport.onmessage = (message, extra) => this.receive(message, extra);
    this.unsubscribe = runtime.events.subscribe((event) => this.announce(event));
    const send = transport.send.bind(transport);
    transport.send = (message, options) => (this.replays.take(message) ? Promise.resolve() : send(message, options));
  }

  /** The server, once it is built. */
  get current(): McpServer | undefined {
    return this.server;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.server?.close();
  }

  /** A list changed before the server was built: the notification its server would have sent. */
  private announce(event: ServerEvent): void {
    const list = listOf(event);
    if (!list || this.server || !this.answered) return;
    this.transport.send({ jsonrpc: '2.0', method: `notifications/${list}/list_changed` }).catch(() => undefined);
  }

  private receive(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): void {
    if (this.answered === undefined && this.waiting.length === 0 && isAnswerableInitialize(message)) return this.answer(message, extra);
    if (this.answered !== undefined && !('id' in message)) return void this.waiting.push([message, extra]);
    this.build();
    this.deliver(message, extra);
  }

  private answer(request: AnswerableInitialize, extra: MessageExtraInfo | undefined): void {
    const { runtime } = this;
    const result = initializeResult(runtime.config.server, runtime.version, request.params.protocolVersion);
    this.answered = { request, extra, result, generation: runtime.generation };
    countAnsweredAhead(runtime.metrics, 'initialize', 'http-stream');
    this.transport.send({ jsonrpc: '2.0', id: request.id, result }).catch((error: unknown) => runtime.log.warn({ err: error }, 'could not answer initialize'));
  }

  /** Builds and connects the server (the SDK sets the transport's onmessage), then replays what it missed. */
  private build(): void {
    if (this.server) return;
    this.unsubscribe(); // the server's registrations tell the client from now on
    this.transport.onmessage = undefined; // the SDK would call a handler set before connect() ahead of its own
    this.server = createLiveMcpServer(this.runtime);
    void this.server.connect(this.transport).catch((error: unknown) => this.runtime.log.warn({ err: error }, 'connecting a session server failed'));
    const { answered } = this;
    if (answered) this.deliver({ ...answered.request, id: this.replays.add((answer) => this.check(answered, answer)) }, answered.extra);
    for (const [message, extra] of this.waiting.splice(0)) this.deliver(message, extra);
  }

  /** To the connected server. */
  private deliver(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): void {
    this.transport.onmessage?.(message, extra);
  }

  private check(answered: AnsweredAhead, answer: JSONRPCMessage): void {
    // reloaded meanwhile: the server answers from the new config
    if (answered.generation === this.runtime.generation) checkAnsweredAhead(this.runtime.log, answered.result, answer);
  }
}
