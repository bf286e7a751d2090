import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The official suites against the built binary (scripts/conformance.mjs starts and stops it).
// Fails on any unexpected scenario failure, and on a listed expected failure that now passes.
test('official MCP conformance suites pass (both protocol generations)', { timeout: 15 * 60_000 }, async () => {
  const child = spawn(process.execPath, [path.join(root, 'scripts/conformance.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `conformance failed:\n${output.slice(-15_000)}`);
});
