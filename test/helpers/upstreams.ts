import type { Client } from '@modelcontextprotocol/client';
import path from 'node:path';
import { repoRoot } from './stdio-server.js';

/** The reference server (a devDependency) run over stdio, as an upstream's command and args. */
export const EVERYTHING = {
  command: process.execPath,
  args: [path.join(repoRoot, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), 'stdio'],
};

/** One upstream entry of a YAML config (flow style: JSON is YAML). */
export function upstreamYaml(name: string, fields: Record<string, unknown>): string {
  return `  ${name}: ${JSON.stringify(fields)}\n`;
}

/** A client that can answer an upstream's questions: sampling, elicitation and roots, each answer recognizable. */
export function answerEverything(client: Client): void {
  client.setRequestHandler('sampling/createMessage', async (request) => ({
    model: 'test-model',
    role: 'assistant',
    content: { type: 'text', text: `sampled ${JSON.stringify(request.params.messages[0]?.content)}` },
  }));
  client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
  client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///srv/project', name: 'project' }] }));
}

export const ANSWERING = { sampling: {}, elicitation: { form: {} }, roots: {} };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface UpstreamInfo {
  name: string;
  state: string;
  tools: number;
  resources: number;
  prompts: number;
  restarts: number;
  pid?: number;
  era?: string;
  lastError?: string;
}

/** /info's upstreams. */
export async function upstreamInfo(origin: string, headers: Record<string, string> = {}): Promise<UpstreamInfo[]> {
  const response = await fetch(`${origin}/info`, { headers });
  return ((await response.json()) as { upstreams: UpstreamInfo[] }).upstreams;
}

/** Text of a tool result's content blocks. */
export const textOf = (result: unknown): string => ((result as { content?: Array<{ text?: string }> }).content ?? []).map((block) => block.text ?? '').join('\n');
