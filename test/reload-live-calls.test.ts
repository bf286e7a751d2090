import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, startHttpServer, type HttpServer } from './helpers/http-server.js';
import { countChanges, listenToEverything, sleep, waitFor, type ChangeCounts } from './helpers/reload.js';
import { ISOLATIONS, isolationEnv, textOf } from './helpers/stdio-server.js';
import { answeringTool } from './helpers/module-sources.js';

const ADMIN_KEY = 'admin-key-for-live-calls';
const steady = (version: number) => answeringTool('steady', `v${version}`);
const slow = (version: number) => `
export default ({ z }) => ({
  name: 'slow',
  description: 'Sleeps, then says which version answered',
  input: { ms: z.number().int().min(0).max(10000) },
  run: ({ ms }) => new Promise((resolve) => setTimeout(() => resolve('slow v${version}'), ms)),
});
`;
const plain = (name: string) => answeringTool(name);

interface Caller {
  client: Client;
  counts: ChangeCounts;
  versions: Set<string>;
  calls: number;
  failures: string[];
  loop?: Promise<void>;
}

// in worker threads too: a reload replaces the workers' modules, calls running in them finish on their version
for (const isolation of ISOLATIONS)
  describe(`reloads while clients keep calling (2025 session and 2026 requests over Streamable HTTP, isolation: ${isolation})`, () => {
    let server: HttpServer;
    let callers: Caller[];
    let stop = false;
    const toolsDir = () => path.join(server.dir, 'tools');

    before(async () => {
      server = await startHttpServer({
        transport: 'http-stream',
        // The callers go back to back: without this they outrun the default 600 requests a minute.
        config: `transport:\n  adminKeys: ["${ADMIN_KEY}"]\n  rateLimit:\n    enabled: false\ntools:\n  workers:\n    size: 4\n`,
        env: isolationEnv(isolation),
        modules: { 'steady.mjs': steady(1), 'slow.mjs': slow(1), 'doomed.mjs': plain('doomed') },
      });
      callers = [];
      for (const kind of ['legacy', 'modern'] as const) {
        const client = await connectClient(server, kind);
        const counts = countChanges(client);
        if (kind === 'modern') await listenToEverything(client);
        callers.push({ client, counts, versions: new Set(), calls: 0, failures: [] });
      }
    });
    after(async () => {
      stop = true;
      await Promise.all(callers?.map((caller) => caller.loop) ?? []);
      for (const caller of callers ?? []) await caller.client.close();
      await server?.stop();
    });

    /** Calls `steady` back to back until stopped (bounded in count and time), recording every failure. */
    function keepCalling(caller: Caller): Promise<void> {
      const deadline = Date.now() + 60_000;
      return (async () => {
        for (let i = 0; i < 20_000 && !stop && Date.now() < deadline; i++) {
          try {
            const result = await caller.client.callTool({ name: 'steady', arguments: {} });
            const text = textOf(result);
            if ((result as { isError?: boolean }).isError || !/^v\d$/.test(text)) caller.failures.push(`bad result: ${JSON.stringify(result)}`);
            else caller.versions.add(text);
          } catch (error) {
            caller.failures.push(String(error));
          }
          caller.calls += 1;
        }
      })();
    }

    async function generation(): Promise<number> {
      return ((await (await fetch(`${server.origin}/info`)).json()) as { generation: number }).generation;
    }

    it('adds, changes and removes tools with zero failed calls; calls in flight finish on their version; one tools/list_changed per client per reload', async () => {
      for (const caller of callers) caller.loop = keepCalling(caller);
      for (let round = 1; round <= 3; round++) {
        const inFlight = callers.map((caller) => caller.client.callTool({ name: 'slow', arguments: { ms: 1500 } }));
        await sleep(300);
        await writeFile(path.join(toolsDir(), 'steady.mjs'), steady(round + 1));
        await writeFile(path.join(toolsDir(), 'slow.mjs'), slow(round + 1));
        await writeFile(path.join(toolsDir(), `added_${round}.mjs`), plain(`added_${round}`));
        await rm(path.join(toolsDir(), round === 1 ? 'doomed.mjs' : `added_${round - 1}.mjs`));

        if (round === 2) {
          const response = await fetch(`${server.origin}/admin/reload`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
          assert.equal(response.status, 200);
          const report = (await response.json()) as { result: string; generation: number; tools: unknown; modulesImported: string[] };
          assert.equal(report.result, 'applied');
          assert.equal(report.generation, 3);
          assert.deepEqual(report.tools, { added: ['added_2'], removed: ['added_1'], updated: ['steady'] });
          assert.equal(report.modulesImported.length, 3, 'steady, slow and added_2');
        } else {
          process.kill(server.pid, 'SIGHUP');
          await waitFor(async () => (await generation()) === round + 1, `generation ${round + 1}`);
        }

        for (const result of await Promise.all(inFlight)) assert.equal(textOf(result), `slow v${round}`, 'a call running during the reload finishes on its version');
        for (const caller of callers) {
          assert.equal(textOf(await caller.client.callTool({ name: 'slow', arguments: { ms: 0 } })), `slow v${round + 1}`);
          assert.equal(textOf(await caller.client.callTool({ name: `added_${round}`, arguments: {} })), `added_${round}`);
          await waitFor(() => caller.counts.tools >= round, `tools/list_changed #${round}`);
        }
        await waitFor(() => callers.every((caller) => caller.versions.has(`v${round + 1}`)), `callers to see v${round + 1}`);
      }
      await sleep(400);
      stop = true;
      await Promise.all(callers.map((caller) => caller.loop));

      for (const caller of callers) {
        assert.deepEqual(caller.failures, []);
        assert.deepEqual([...caller.versions].sort(), ['v1', 'v2', 'v3', 'v4'], 'calls went on across every reload');
        assert.deepEqual({ ...caller.counts }, { tools: 3, resources: 0, prompts: 0, updated: [] });
      }
      assert.match(server.stderr(), /"trigger":"admin"/);
      const { workers } = (await (await fetch(`${server.origin}/info`)).json()) as { workers: { workers: number; restarts: Record<string, number> } };
      assert.deepEqual(workers.restarts, { timeout: 0, memory: 0, exit: 0, crash: 0 }, 'workers of replaced modules retire; no restarts');
      if (isolation === 'worker') assert.ok(workers.workers > 0);
    });
  });
