import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connectClient, startHttpServer } from './helpers/http-server.js';
import { countChanges, sleep, waitFor } from './helpers/reload.js';
import { EVERYTHING, isAlive, textOf, upstreamInfo, upstreamYaml } from './helpers/upstreams.js';

const CRASHER = { command: process.execPath, args: ['-e', "process.stderr.write('boom\\n'); process.exit(3)"] };

describe('a crash-looping upstream', () => {
  it('is restarted with growing delays, then given up; the host keeps serving and /ready says why', async () => {
    const config = `upstreams:\n${upstreamYaml('crashy', { ...CRASHER, required: true, restart: { maxRetries: 3, initialDelaySeconds: 0.2, maxDelaySeconds: 5 } })}`;
    const server = await startHttpServer({ transport: 'http-stream', config });
    try {
      await waitFor(async () => (await upstreamInfo(server.origin))[0]?.state === 'failed', 'the upstream to be given up', { attempts: 150 });
      const delays = [...server.stderr().matchAll(/"upstream":"crashy","attempt":(\d+),"delayMs":(\d+)/g)].map((match) => ({ attempt: Number(match[1]), ms: Number(match[2]) }));
      assert.deepEqual(
        delays.map((delay) => delay.attempt),
        [1, 2, 3],
      );
      // exponential with jitter: attempt n waits between half and all of 0.2 s × 2^(n-1)
      for (const { attempt, ms } of delays) {
        const full = 200 * 2 ** (attempt - 1);
        assert.ok(ms >= full / 2 && ms <= full, `attempt ${attempt} waited ${ms} ms`);
      }
      assert.match(server.stderr(), /"upstream":"crashy","stderr":"boom"/);
      assert.match(server.stderr(), /giving up until the next reload/);
      const [status] = await upstreamInfo(server.origin);
      assert.equal(status!.restarts, 3);
      assert.match(status!.lastError ?? '', /exited with code 3/);

      const ready = await fetch(`${server.origin}/ready`);
      assert.equal(ready.status, 503);
      assert.match(JSON.stringify(await ready.json()), /upstream \\"crashy\\" is failed/);
      const metrics = await (await fetch(`${server.origin}/metrics`)).text();
      assert.match(metrics, /mcp_upstream_restarts_total\{upstream="crashy"\} 3/);
      assert.match(metrics, /mcp_upstream_ready\{upstream="crashy"\} 0/);

      const client = await connectClient(server, 'modern');
      const result = await client.callTool({ name: 'time_now', arguments: {} });
      assert.equal(result.isError, undefined);
      await client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('an upstream that dies or hangs', () => {
  it('a call in flight gets a clear error; its tools vanish and come back, with list_changed', async () => {
    const config = `upstreams:\n${upstreamYaml('everything', { ...EVERYTHING, timeoutSeconds: 20, restart: { initialDelaySeconds: 0.2 } })}`;
    const server = await startHttpServer({ transport: 'http-stream', config });
    try {
      const client = await connectClient(server, 'legacy');
      const counts = countChanges(client);
      const [before] = await upstreamInfo(server.origin);
      const call = client.callTool({ name: 'everything_trigger-long-running-operation', arguments: { duration: 20, steps: 2 } });
      await sleep(300);
      process.kill(before!.pid!, 'SIGKILL');
      const result = await call;
      assert.equal(result.isError, true);
      assert.match(textOf(result), /upstream "everything" stopped while the call was in flight: the process was killed by SIGKILL/);

      await waitFor(async () => (await upstreamInfo(server.origin))[0]?.state === 'ready', 'the upstream to come back');
      const [after] = await upstreamInfo(server.origin);
      assert.notEqual(after!.pid, before!.pid);
      assert.equal(after!.restarts, 1);
      await waitFor(() => counts.tools >= 2, 'tools/list_changed when they vanished and when they came back');
      assert.equal(textOf(await client.callTool({ name: 'everything_echo', arguments: { message: 'back' } })), 'Echo: back');
      assert.equal(isAlive(before!.pid!), false);
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it('a call that outlives timeoutSeconds is answered with an error; a frozen upstream is restarted', async () => {
    const config = `upstreams:\n${upstreamYaml('everything', { ...EVERYTHING, timeoutSeconds: 1.5, pingIntervalSeconds: 0.5, restart: { initialDelaySeconds: 0.2 } })}`;
    const server = await startHttpServer({ transport: 'http-stream', config });
    try {
      const client = await connectClient(server, 'modern');
      const started = Date.now();
      const slow = await client.callTool({ name: 'everything_trigger-long-running-operation', arguments: { duration: 30, steps: 2 } });
      assert.equal(slow.isError, true);
      assert.match(textOf(slow), /upstream "everything": tools\/call timed out after 1.5 s/);
      assert.ok(Date.now() - started < 10_000);

      const [before] = await upstreamInfo(server.origin);
      process.kill(before!.pid!, 'SIGSTOP');
      try {
        const frozen = await client.callTool({ name: 'everything_echo', arguments: { message: 'anyone?' } });
        assert.equal(frozen.isError, true);
        assert.match(textOf(frozen), /timed out|stopped|not available/);
        await waitFor(async () => {
          const [now] = await upstreamInfo(server.origin);
          return now?.state === 'ready' && now.pid !== before!.pid;
        }, 'a new upstream process');
      } finally {
        if (isAlive(before!.pid!)) process.kill(before!.pid!, 'SIGKILL');
      }
      assert.match(server.stderr(), /did not answer a ping within 1.5 s/);
      assert.equal(textOf(await client.callTool({ name: 'everything_echo', arguments: { message: 'back' } })), 'Echo: back');
      await client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('no orphan processes', () => {
  it('stdio upstreams stop when the host is killed with SIGKILL', async () => {
    const config = `upstreams:\n${upstreamYaml('one', EVERYTHING)}${upstreamYaml('two', { ...EVERYTHING, args: [...EVERYTHING.args] })}`;
    const server = await startHttpServer({ transport: 'http-stream', config });
    let pids: number[] = [];
    try {
      await waitFor(async () => (await upstreamInfo(server.origin)).every((status) => status.state === 'ready'), 'both upstreams');
      pids = (await upstreamInfo(server.origin)).map((status) => status.pid!);
      assert.equal(pids.length, 2);
      assert.ok(pids.every(isAlive));
    } finally {
      await server.stop('SIGKILL');
    }
    try {
      await waitFor(() => !pids.some(isAlive), 'the upstream processes to be gone', { attempts: 100, intervalMs: 100 });
    } finally {
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('stdio upstreams stop when the host shuts down (SIGTERM)', async () => {
    const server = await startHttpServer({ transport: 'http-stream', config: `upstreams:\n${upstreamYaml('one', EVERYTHING)}` });
    const [status] = await upstreamInfo(server.origin);
    assert.equal(await server.stop('SIGTERM'), 0);
    try {
      await waitFor(() => !isAlive(status!.pid!), 'the upstream process to be gone', { attempts: 50 });
    } finally {
      if (isAlive(status!.pid!)) process.kill(status!.pid!, 'SIGKILL');
    }
  });
});

describe('reload', () => {
  it('adds, changes and removes upstreams without touching the others', async () => {
    const one = upstreamYaml('one', EVERYTHING);
    const server = await startHttpServer({ transport: 'http-stream', config: `upstreams:\n${one}` });
    const configFile = path.join(server.dir, 'config.yaml');
    const reload = async (yaml: string) => {
      await writeFile(configFile, yaml);
      const generation = ((await (await fetch(`${server.origin}/info`)).json()) as { generation: number }).generation;
      process.kill(server.pid, 'SIGHUP');
      await waitFor(async () => ((await (await fetch(`${server.origin}/info`)).json()) as { generation: number }).generation > generation, 'the reload');
    };
    const started: number[] = [];
    try {
      const client = await connectClient(server, 'legacy');
      const [first] = await upstreamInfo(server.origin);
      started.push(first!.pid!);

      await reload(`upstreams:\n${one}${upstreamYaml('two', { ...EVERYTHING, prefix: 'b_', enabled: ['echo'] })}`);
      await waitFor(async () => (await upstreamInfo(server.origin)).find((status) => status.name === 'two')?.state === 'ready', 'upstream two');
      const statuses = await upstreamInfo(server.origin);
      started.push(statuses.find((status) => status.name === 'two')!.pid!);
      assert.equal(statuses.find((status) => status.name === 'one')!.pid, first!.pid, 'upstream one kept running');
      await waitFor(async () => (await client.listTools()).tools.some((tool) => tool.name === 'b_echo'), 'b_echo listed');
      const names = (await client.listTools()).tools.map((tool) => tool.name).filter((name) => name.startsWith('b_'));
      assert.deepEqual(names, ['b_echo'], 'only the enabled tool, under the prefix');
      assert.equal(textOf(await client.callTool({ name: 'b_echo', arguments: { message: 'two' } })), 'Echo: two');

      await reload(`upstreams:\n${upstreamYaml('two', { ...EVERYTHING, prefix: 'b_', enabled: ['echo'] })}`);
      await waitFor(() => !isAlive(first!.pid!), 'upstream one stopped');
      const after = await upstreamInfo(server.origin);
      assert.deepEqual(
        after.map((status) => status.name),
        ['two'],
      );
      assert.equal(after[0]!.pid, started[1], 'upstream two kept running');
      assert.ok(!(await client.listTools()).tools.some((tool) => tool.name.startsWith('one_')));
      await client.close();
    } finally {
      await server.stop();
      for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
