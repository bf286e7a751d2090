import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TaskLimitError, TaskStore } from '../src/server/tasks/store.js';
import { startHttpServer, type HttpServer } from './helpers/http-server.js';
import { modernRpc, type ModernRpc, type RpcResponse } from './helpers/modern-rpc.js';
import { ISOLATIONS, isolationEnv } from './helpers/stdio-server.js';
import { pollFor } from './helpers/wait.js';

/** The Tasks extension (SEP-2663) over the 2026-07-28 wire, driven with raw JSON-RPC (the SDK client rejects task results). */
const TASKS = 'io.modelcontextprotocol/tasks';

const MODULE = `
const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});
export default [
  {
    name: 'work',
    description: 'Works for ms milliseconds',
    input: { type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] },
    execution: { taskSupport: 'optional' },
    async run({ ms }, ctx) { await sleep(ms, ctx.signal); return 'worked ' + ms + ' ms'; },
  },
  {
    name: 'approve',
    description: 'Asks for approval inside the task',
    input: { type: 'object', properties: {} },
    execution: { taskSupport: 'required' },
    run(_args, ctx) {
      const answer = ctx.input('ok');
      if (answer.kind !== 'elicit') return ctx.elicit('ok', { message: 'Approve?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } }, { asked: 1 });
      return 'approved=' + answer.content?.ok + ' state=' + ctx.state()?.asked;
    },
  },
];
`;

for (const isolation of ISOLATIONS)
  describe(`Tasks extension (2026-07-28, isolation: ${isolation})`, () => {
    let server: HttpServer;
    let send: ModernRpc;
    before(async () => {
      server = await startHttpServer({ transport: 'http-stream', config: 'tools:\n  builtins: false\n', modules: { 'tasks.mjs': MODULE }, env: isolationEnv(isolation) });
      send = modernRpc(server.origin);
    });
    after(async () => {
      await server?.stop();
    });

    const rpc = (method: string, params: Record<string, unknown> = {}, extensions = true): Promise<RpcResponse> =>
      send(method, params, extensions ? { elicitation: {}, extensions: { [TASKS]: {} } } : {});

    const call = async (method: string, params: Record<string, unknown> = {}) => {
      const response = await rpc(method, params);
      assert.equal(response.error, undefined, `${method}: ${JSON.stringify(response.error)}`);
      return response.result!;
    };

    /** Polls tasks/get until `done` holds (at most 200 times, 50 ms apart). */
    async function pollUntil(taskId: string, done: (task: Record<string, any>) => boolean): Promise<Record<string, any>> {
      let last: Record<string, any> = {};
      return pollFor(
        async () => {
          last = await call('tasks/get', { taskId });
          return done(last) ? last : undefined;
        },
        () => `task ${taskId} (still ${last.status})`,
        { attempts: 200, intervalMs: 50 },
      );
    }
    const terminal = (task: Record<string, any>) => ['completed', 'failed', 'cancelled'].includes(task.status);

    it('advertises the extension in server/discover', async () => {
      const discovered = await call('server/discover');
      assert.ok(discovered.capabilities.extensions?.[TASKS], JSON.stringify(discovered.capabilities));
      assert.equal(discovered.capabilities.tasks, undefined);
    });

    it('creates a task, reports it working, then inlines the result', async () => {
      const created = await call('tools/call', { name: 'work', arguments: { ms: 400 } });
      assert.equal(created.resultType, 'task');
      assert.equal(typeof created.taskId, 'string');
      assert.equal(created.status, 'working');
      assert.ok(Number.isInteger(created.ttlMs) && created.ttlMs > 0);
      assert.ok(Number.isInteger(created.pollIntervalMs) && created.pollIntervalMs > 0);
      for (const key of ['result', 'error', 'inputRequests', 'requestState', 'content']) assert.ok(!(key in created), `CreateTaskResult carries ${key}`);

      const working = await call('tasks/get', { taskId: created.taskId });
      assert.equal(working.status, 'working');
      assert.equal(working.resultType, 'complete');
      assert.equal(working.result, undefined);

      const done = await pollUntil(created.taskId, terminal);
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.result.content, [{ type: 'text', text: 'worked 400 ms' }]);
      assert.ok(Date.parse(done.lastUpdatedAt) >= Date.parse(done.createdAt));
    });

    it('cancels a running task: empty ack, then cancelled (and cancel stays idempotent)', async () => {
      const { taskId } = await call('tools/call', { name: 'work', arguments: { ms: 60_000 } });
      const ack = await call('tasks/cancel', { taskId });
      for (const key of ['taskId', 'status', 'result', 'error']) assert.ok(!(key in ack), `cancel ack carries ${key}`);
      assert.equal(ack.resultType, 'complete');
      const task = await call('tasks/get', { taskId });
      assert.equal(task.status, 'cancelled');
      assert.equal(task.result, undefined);
      assert.equal((await call('tasks/cancel', { taskId })).resultType, 'complete');
    });

    it('parks a task in input_required and resumes it with tasks/update', async () => {
      const { taskId } = await call('tools/call', { name: 'approve', arguments: {} });
      const waiting = await pollUntil(taskId, (task) => task.status !== 'working');
      assert.equal(waiting.status, 'input_required');
      assert.deepEqual(Object.keys(waiting.inputRequests), ['ok']);
      assert.equal(waiting.inputRequests.ok.method, 'elicitation/create');
      assert.equal(waiting.requestState, undefined);

      const ack = await call('tasks/update', { taskId, inputResponses: { ok: { action: 'accept', content: { ok: true } } } });
      assert.equal(ack.resultType, 'complete');
      const done = await pollUntil(taskId, terminal);
      assert.equal(done.status, 'completed');
      assert.equal(done.result.content[0].text, 'approved=true state=1');
    });

    it('without the extension: optional tools run synchronously, required ones and tasks/* answer -32021', async () => {
      const sync = await rpc('tools/call', { name: 'work', arguments: { ms: 10 } }, false);
      assert.equal(sync.result?.resultType, 'complete');
      assert.deepEqual(sync.result?.content, [{ type: 'text', text: 'worked 10 ms' }]);

      const required = await rpc('tools/call', { name: 'approve', arguments: {} }, false);
      assert.equal(required.error?.code, -32021);
      assert.ok(required.error?.data?.requiredCapabilities?.extensions?.[TASKS]);

      for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
        const response = await rpc(method, { taskId: 'x', inputResponses: {} }, false);
        assert.equal(response.error?.code, -32021, method);
      }
    });

    it('rejects unknown task ids with -32602 and removed v1 methods with -32601', async () => {
      assert.equal((await rpc('tasks/get', { taskId: 'no-such-task' })).error?.code, -32602);
      assert.equal((await rpc('tasks/cancel', { taskId: 'no-such-task' })).error?.code, -32602);
      assert.equal((await rpc('tasks/result', { taskId: 'no-such-task' })).error?.code, -32601);
      assert.equal((await rpc('tasks/list')).error?.code, -32601);
    });
  });

describe('TaskStore bounds', () => {
  it('refuses a task when every slot is running, and drops the oldest finished task to make room', () => {
    const store = new TaskStore({ maxTasks: 2 });
    const first = store.create('a');
    store.create('a');
    assert.throws(() => store.create('a'), TaskLimitError);
    first.complete({ content: [] });
    const third = store.create('a');
    assert.equal(store.size, 2);
    assert.equal(store.get(first.id, 'a'), undefined);
    assert.equal(store.get(third.id, 'b'), undefined, 'another owner cannot see it');
    store.close();
  });

  it('keeps each owner to maxTasksPerOwner, making room from its own finished tasks only', () => {
    const store = new TaskStore({ maxTasks: 3, maxTasksPerOwner: 2 });
    const a1 = store.create('a');
    store.create('a');
    assert.throws(() => store.create('a'), /maxPerCaller, 2/);
    const b1 = store.create('b');
    b1.complete({ content: [] });
    assert.throws(() => store.create('a'), /maxPerCaller/, "another owner's finished task is not taken");
    a1.complete({ content: [] });
    store.create('a');
    assert.equal(store.get(a1.id, 'a'), undefined, 'its own oldest finished task made room');
    assert.equal(store.get(b1.id, 'b'), b1);
    store.close();
  });

  it('forgets a task after its ttl, cancelling it if it still runs', async () => {
    const store = new TaskStore({ ttlMs: 50 });
    const task = store.create('a');
    assert.equal(store.get(task.id, 'a'), task);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(store.get(task.id, 'a'), undefined);
    assert.equal(task.status, 'cancelled');
    assert.ok(task.controller.signal.aborted);
    store.close();
  });
});

describe('Tasks: a fair share per caller', () => {
  const KEYS = ['key-one-0123456789abcdef', 'key-two-0123456789abcdef'];
  const CAPABILITIES = { elicitation: {}, extensions: { [TASKS]: {} } };
  let server: HttpServer;
  let as: ModernRpc[];
  before(async () => {
    server = await startHttpServer({
      transport: 'http-stream',
      config: `tools:\n  builtins: false\n  tasks:\n    max: 4\n    maxPerCaller: 2\ntransport:\n  apiKeys: [${KEYS.join(', ')}]\n`,
      modules: { 'tasks.mjs': MODULE },
    });
    as = KEYS.map((key) => modernRpc(server.origin, { Authorization: `Bearer ${key}` }));
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses a caller its task beyond tools.tasks.maxPerCaller while another caller still gets one', async () => {
    const [one, two] = as as [ModernRpc, ModernRpc];
    const start = (send: ModernRpc) => send('tools/call', { name: 'work', arguments: { ms: 60_000 } }, CAPABILITIES);
    const taskIds: Array<[ModernRpc, string]> = [];
    try {
      for (let i = 0; i < 2; i++) {
        const created = await start(one);
        assert.equal(created.result?.resultType, 'task', JSON.stringify(created));
        taskIds.push([one, created.result!.taskId as string]);
      }
      const refused = await start(one);
      assert.match(refused.error?.message ?? '', /tools\.tasks\.maxPerCaller, 2/);
      const other = await start(two);
      assert.equal(other.result?.resultType, 'task', 'the other caller is not starved');
      taskIds.push([two, other.result!.taskId as string]);

      // A finished task of the caller's own makes room for its next one.
      const [owner, first] = taskIds.shift()!;
      assert.equal((await owner('tasks/cancel', { taskId: first }, CAPABILITIES)).error, undefined);
      const again = await start(one);
      assert.equal(again.result?.resultType, 'task');
      taskIds.push([one, again.result!.taskId as string]);
    } finally {
      for (const [owner, taskId] of taskIds) await owner('tasks/cancel', { taskId }, CAPABILITIES).catch(() => undefined);
    }
  });
});
