// Worker isolation benchmark: the cost of a tool call with tools.isolation: worker against
// in-process (none), through the real server over stdio with the SDK client. Not a test: it prints
// a table. BENCH_CALLS (default 500) and BENCH_SECONDS (default 5) bound each case.
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const binary = new URL('../bin/mcp-server', import.meta.url).pathname;

const MODULE = `export default [
  { name: 'echo', description: 'Echoes its text.', input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, run: ({ text }) => text },
  { name: 'large', description: 'Returns a 1 MB text.', run: () => 'x'.repeat(1_000_000) },
];`;

interface Case {
  name: string;
  concurrency: number;
  call: (client: Client, i: number) => Promise<unknown>;
}

const CASES: Case[] = [
  { name: 'echo', concurrency: 1, call: (client, i) => client.callTool({ name: 'echo', arguments: { text: `hello ${i}` } }) },
  { name: 'echo x8 concurrent', concurrency: 8, call: (client, i) => client.callTool({ name: 'echo', arguments: { text: `hello ${i}` } }) },
  { name: 'kv_get (storage, schemas)', concurrency: 1, call: (client) => client.callTool({ name: 'kv_get', arguments: { key: 'bench' } }) },
  { name: 'large (1 MB result)', concurrency: 1, call: (client) => client.callTool({ name: 'large', arguments: {} }) },
];

async function measure(client: Client, item: Case): Promise<{ calls: number; perSecond: number; p50: number; p95: number }> {
  for (let i = 0; i < 20; i++) await item.call(client, i);
  const times: number[] = [];
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: item.concurrency }, async () => {
      while (next < CALLS && performance.now() - start < SECONDS * 1000) {
        const i = next++;
        const t = performance.now();
        await item.call(client, i);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { calls: times.length, perSecond: times.length / seconds, p50: at(0.5), p95: at(0.95) };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const rows: string[][] = [];
for (const isolation of ['none', 'worker']) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-isolation-'));
  await mkdir(join(dir, 'tools'));
  await writeFile(join(dir, 'tools', 'bench.mjs'), MODULE);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binary, '--tools-dir', join(dir, 'tools'), '--data-dir', join(dir, 'data'), '--log-level', 'warn'],
    env: { ...(process.env as Record<string, string>), MCP_TOOLS_ISOLATION: isolation, LANCEDB_LOG: 'error' },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  try {
    const started = performance.now();
    await client.connect(transport);
    await client.listTools();
    const startup = performance.now() - started;
    await client.callTool({ name: 'kv_set', arguments: { key: 'bench', value: { n: 1 } } });
    process.stderr.write(`benchmarking isolation: ${isolation}...\n`);
    for (const item of CASES) {
      const r = await measure(client, item);
      rows.push([isolation, item.name, r.perSecond.toFixed(0), r.p50.toFixed(2), r.p95.toFixed(2), `${r.calls} calls`]);
    }
    rows.push([isolation, 'server start to first tools/list', '', '', '', `${startup.toFixed(0)} ms`]);
    rows.push([isolation, 'server memory (RSS) after the run', '', '', '', `${rssMb(transport.pid!).toFixed(0)} MB`]);
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const header = ['isolation', 'case', 'calls/s', 'p50 ms', 'p95 ms', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
