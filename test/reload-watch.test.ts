import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countChanges, reloadLines, sleep, waitFor, type ChangeCounts } from './helpers/reload.js';
import { runBinary, startStdioServer, tempDir, textOf, type StdioServer } from './helpers/stdio-server.js';
import { answeringTool } from './helpers/module-sources.js';

const tool = (name: string) => answeringTool(name, `${name} here`);
const config = (tools: { dirs: string[]; disabled?: string[]; builtins?: boolean }) =>
  `tools:\n  dirs: ${JSON.stringify(tools.dirs)}\n  disabled: ${JSON.stringify(tools.disabled ?? [])}\n  builtins: ${tools.builtins ?? true}\n  watchDebounceMs: 100\n`;

describe('--watch reloads on module and config file changes', () => {
  let server: StdioServer;
  let root: { dir: string; cleanup: () => Promise<void> };
  let counts: ChangeCounts;
  const at = (...parts: string[]) => path.join(root.dir, ...parts);

  before(async () => {
    root = await tempDir();
    await mkdir(at('tools', 'node_modules', 'pkg'), { recursive: true });
    await mkdir(at('extra'));
    await writeFile(at('tools', 'first.mjs'), tool('first'));
    await writeFile(at('extra', 'third.mjs'), tool('third'));
    await writeFile(at('config.yaml'), config({ dirs: ['tools'] }));
    server = await startStdioServer({ era: 'legacy', args: ['--watch', '--config', at('config.yaml'), '--data-dir', at('data')] });
    counts = countChanges(server.client);
  });
  after(async () => {
    await server?.close();
    await root?.cleanup();
  });

  it('ignores editor temp files, dot-files, node_modules and non-module files', async () => {
    for (const name of ['.second.mjs.swp', 'second.mjs~', '#second.mjs#', '4913', 'notes.md']) await writeFile(at('tools', name), 'not a module');
    await writeFile(at('tools', 'node_modules', 'pkg', 'index.mjs'), tool('from_node_modules'));
    await sleep(800);
    assert.deepEqual(reloadLines(server.stderr()), []);
  });

  it('a new module file is served after one reload; the client hears one tools/list_changed', async () => {
    await writeFile(at('tools', 'second.mjs'), tool('second'));
    await waitFor(() => reloadLines(server.stderr()).length === 1, 'a reload');
    assert.equal(textOf(await server.client.callTool({ name: 'second', arguments: {} })), 'second here');
    await waitFor(() => counts.tools === 1, 'tools/list_changed');
    await sleep(500);
    assert.equal(reloadLines(server.stderr()).length, 1, 'one change, one reload');
    assert.equal(reloadLines(server.stderr())[0]!.trigger, 'watch');
  });

  it('an edited config file is picked up: tools directories, builtins and disabled change live, and the new directory is watched', async () => {
    await writeFile(at('config.yaml'), config({ dirs: ['tools', 'extra'], disabled: ['second'], builtins: false }));
    await waitFor(() => reloadLines(server.stderr()).length === 2, 'a second reload');
    const names = (await server.client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['first', 'third']);
    assert.deepEqual(reloadLines(server.stderr())[1]!.settingsChanged, ['tools.builtins', 'tools.dirs', 'tools.disabled']);
    await waitFor(() => counts.tools === 2, 'tools/list_changed');

    await writeFile(at('extra', 'fourth.mjs'), tool('fourth'));
    await waitFor(() => reloadLines(server.stderr()).length === 3, 'a reload for the newly watched directory');
    assert.equal(textOf(await server.client.callTool({ name: 'fourth', arguments: {} })), 'fourth here');
  });

  it('--watch sets tools.watch, as --print-config shows', async () => {
    const result = await runBinary(['--print-config', '--watch']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^ {2}watch: true\s+# flag --watch$/m);
  });
});
