// Load clients of `npm run bench`: MCP over stdio (newline-delimited JSON-RPC) and Streamable HTTP
// (2025 sessions, 2026-07-28 stateless requests), on node:http with keep-alive. Every loop is bounded.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { quantile } from './stats.js';

type Message = { id?: number; result?: { content?: Array<{ type: string; text?: string }> }; error?: unknown };

const PROTOCOL_2025 = '2025-11-25';
const MODERN = '2026-07-28';
const CLIENT_INFO = { name: 'mcp-server-bench', version: '1.0.0' };
const REQUEST_TIMEOUT_MS = 30_000;

export const initializeMessage = (id: number) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: PROTOCOL_2025, capabilities: {}, clientInfo: CLIENT_INFO } });
const echoCall = (id: number, text: string, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text }, ...(meta ? { _meta: meta } : {}) },
});
const echoed = (message: Message | undefined) => message?.result?.content?.find((item) => item.type === 'text')?.text;

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A server process spoken to over stdio. */
export class StdioPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (message: Message) => void>();
  private buffered = '';
  private readonly exited: Promise<void>;

  constructor(command: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command[0]!, command.slice(1), { stdio: 'pipe', env });
    this.child.stderr.resume();
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let end = this.buffered.indexOf('\n'); end >= 0; end = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 1);
        let message: Message;
        try {
          message = JSON.parse(line) as Message;
        } catch {
          continue; // not JSON-RPC: counted by nobody, the answer it was meant as times out
        }
        if (typeof message.id === 'number') this.pending.get(message.id)?.(message);
      }
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  request(message: { id: number }): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to request ${message.id}`)), REQUEST_TIMEOUT_MS);
      this.pending.set(message.id, (answer) => {
        clearTimeout(timer);
        this.pending.delete(message.id);
        resolve(answer);
      });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  notify(method: string): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
  }

  async stop(): Promise<void> {
    this.child.stdin.end();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(killer);
  }
}

/** Milliseconds from spawn to the initialize answer, `spawns` times (one process at a time). */
export async function coldStarts(command: readonly string[], env: NodeJS.ProcessEnv, spawns: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < spawns; i++) {
    const started = performance.now();
    const peer = new StdioPeer(command, env);
    try {
      const answer = await peer.request(initializeMessage(0));
      if (answer.error) throw new Error(`initialize failed: ${JSON.stringify(answer.error)}`);
      times.push(performance.now() - started);
    } finally {
      await peer.stop();
    }
  }
  return times;
}

/** Sequential echo calls over one stdio connection for `seconds`: calls per second, and the server's CPU time per call. */
export async function stdioRoundTrips(command: readonly string[], env: NodeJS.ProcessEnv, seconds: number, warmupSeconds: number): Promise<{ rps: number; cpuUsPerCall: number }> {
  const peer = new StdioPeer(command, env);
  try {
    let id = 0;
    await peer.request(initializeMessage(id++));
    peer.notify('notifications/initialized');
    const run = async (duration: number) => {
      let calls = 0;
      const start = performance.now();
      const cpuBefore = cpuMs(peer.pid);
      while (performance.now() - start < duration * 1000) {
        const text = `stdio-${id}`;
        if (echoed(await peer.request(echoCall(id++, text))) !== text) throw new Error('stdio: wrong echo');
        calls++;
      }
      return { rps: calls / ((performance.now() - start) / 1000), cpuUsPerCall: ((cpuMs(peer.pid) - cpuBefore) * 1000) / calls };
    };
    await run(warmupSeconds);
    return await run(seconds);
  } finally {
    await peer.stop();
  }
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  message: Message | undefined;
}

/** One POST of a JSON-RPC message; the answer read from JSON or from the SSE stream. */
export function post(agent: Agent, url: URL, body: unknown, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent, timeout: REQUEST_TIMEOUT_MS, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, message: parseAnswer(String(res.headers['content-type'] ?? ''), text) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function parseAnswer(contentType: string, text: string): Message | undefined {
  if (text === '') return undefined;
  if (!contentType.includes('text/event-stream')) return JSON.parse(text) as Message;
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data) return JSON.parse(data) as Message;
  }
  return undefined;
}

/** Opens a 2025 session (initialize + initialized); its id. */
export async function openSession(agent: Agent, url: URL): Promise<string> {
  const answer = await post(agent, url, initializeMessage(0), {});
  const session = answer.headers['mcp-session-id'];
  if (typeof session !== 'string') throw new Error(`initialize gave no session (HTTP ${answer.status})`);
  await post(agent, url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL_2025 });
  return session;
}

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** `concurrency` callers each calling in a loop for `seconds`; every answer is checked. */
async function load(concurrency: number, seconds: number, call: (caller: number, n: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      for (let n = 0; performance.now() < end; n++) {
        const t = performance.now();
        await call(caller, n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rps: latencies.length / ((performance.now() - start) / 1000), p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

/** 2025 Streamable HTTP: one session per caller, echo calls. */
export async function load2025(url: URL, concurrency: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const sessions = await Promise.all(Array.from({ length: concurrency }, () => openSession(agent, url)));
    return await load(concurrency, seconds, async (caller, n) => {
      const text = `s${caller}-${n}`;
      const answer = await post(agent, url, echoCall(n + 1, text), { 'mcp-session-id': sessions[caller]!, 'mcp-protocol-version': PROTOCOL_2025 });
      if (echoed(answer.message) !== text) throw new Error(`2025: wrong answer (HTTP ${answer.status})`);
    });
  } finally {
    agent.destroy();
  }
}

/** 2026-07-28 stateless: every request carries its own envelope; echo calls. */
export async function load2026(url: URL, concurrency: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const meta = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': CLIENT_INFO, 'io.modelcontextprotocol/clientCapabilities': {} };
  const headers = { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'echo' };
  try {
    return await load(concurrency, seconds, async (caller, n) => {
      const text = `m${caller}-${n}`;
      const answer = await post(agent, url, echoCall(n + 1, text, meta), headers);
      if (echoed(answer.message) !== text) throw new Error(`2026-07-28: wrong answer (HTTP ${answer.status})`);
    });
  } finally {
    agent.destroy();
  }
}

/** Opens `count` 2025 sessions, 16 at a time, and leaves them idle. */
async function openSessions(agent: Agent, url: URL, count: number): Promise<void> {
  let opened = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (opened < count) {
        opened++;
        await openSession(agent, url);
      }
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * KB of RSS per idle 2025 session: the growth over `count` sessions opened (16 at a time) after as
 * many others, so that V8 has grown its young generation (up to 32 MB, once, when that much
 * long-lived data arrives) and compiled the code sessions run before the figure starts.
 */
export async function memoryPerSession(url: URL, pid: number, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    await openSessions(agent, url, count);
    await sleep(1000);
    const before = rssMb(pid);
    await openSessions(agent, url, count);
    await sleep(1500);
    return ((rssMb(pid) - before) * 1024) / count;
  } finally {
    agent.destroy();
  }
}

/** The open 2025 sessions the project's /metrics reports (`mcp_sessions{transport="http-stream"}`). */
async function openSessionsReported(url: URL): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const match = /^mcp_sessions\{transport="http-stream"\} (\d+)/m.exec(text);
  if (!match) throw new Error('/metrics has no mcp_sessions{transport="http-stream"}');
  return Number(match[1]);
}

/** How `rssAcrossSessionExpiry` opens and waits out its sessions. */
export interface ExpiryStage {
  /** sessions opened and expired first, so the code the sessions run is compiled in both figures */
  warmup: number;
  count: number;
  /** the server's `transport.sessions.idleTimeoutSeconds` */
  idleSeconds: number;
  /** how long after /metrics reports no session the figure is taken (the server's release of their memory) */
  settleMs: number;
}

/**
 * RSS (MB) of a project server whose sessions expire after `idleSeconds`: before `count` idle
 * sessions open, with them open, and after they have expired.
 */
export async function rssAcrossSessionExpiry(url: URL, pid: number, stage: ExpiryStage): Promise<{ before: number; peak: number; after: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const expired = async () => {
    const deadline = Date.now() + stage.idleSeconds * 1000 + 30_000;
    while ((await openSessionsReported(url)) > 0) {
      if (Date.now() > deadline) throw new Error(`sessions still open ${stage.idleSeconds} s + 30 s after they went idle`);
      await sleep(250);
    }
    await sleep(stage.settleMs);
  };
  try {
    await openSessions(agent, url, stage.warmup);
    await expired();
    const before = rssMb(pid);
    await openSessions(agent, url, stage.count);
    await sleep(500);
    const peak = rssMb(pid);
    await expired();
    return { before, peak, after: rssMb(pid) };
  } finally {
    agent.destroy();
  }
}
