import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CONFIG_PATH_ENV, ENV_VARS } from '../src/config/env.js';
import { loadConfig } from '../src/config/load.js';
import { formatPath, leaves } from '../src/config/object-path.js';
import { configSchema } from '../src/config/schema.js';
import { shapeAt } from '../src/config/schema-walk.js';
import type { PathSegment } from '../src/config/types.js';
import { expectOk } from './helpers/config-fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examplePath = join(root, 'config.example.yaml');
const exampleText = readFileSync(examplePath, 'utf8');

const leafPaths = (value: unknown) => [...leaves(value)].map(([path]) => formatPath(path));

/** Every key the schema declares, optional ones included, as paths. */
function schemaKeys(path: PathSegment[] = []): PathSegment[][] {
  return Object.keys(shapeAt(path) ?? {}).flatMap((key) => [[...path, key], ...schemaKeys([...path, key])]);
}

describe('config.example.yaml', () => {
  it('loads with zero problems and yields exactly the defaults', () => {
    const result = expectOk(loadConfig({ configPath: examplePath, env: {}, flags: {}, cwd: root }));
    const defaults = expectOk(loadConfig({ env: {}, flags: {}, cwd: root })).config;
    assert.deepEqual(result.config, defaults);
  });

  it('sets every leaf of the schema defaults', () => {
    const inExample = new Set(leafPaths(parse(exampleText)));
    const missing = leafPaths(configSchema.parse({})).filter((path) => !inExample.has(path));
    assert.deepEqual(missing, [], `add these keys to config.example.yaml: ${missing.join(', ')}`);
  });

  it('documents every optional key (at least as a comment)', () => {
    const undocumented = schemaKeys()
      .map((path) => path.at(-1) as string)
      .filter((key) => !new RegExp(`^\\s*(# )?${key}:`, 'm').test(exampleText));
    assert.deepEqual(undocumented, []);
  });
});

describe('src/config/ENVIRONMENT.md', () => {
  const table = readFileSync(join(root, 'src/config/ENVIRONMENT.md'), 'utf8');
  it('documents every environment variable with its key', () => {
    for (const [name, target] of Object.entries(ENV_VARS)) {
      assert.match(table, new RegExp(`\\| \`${name}\` \\| \`${target.path.join('.')}\` \\|`), name);
    }
    assert.ok(table.includes(`\`${CONFIG_PATH_ENV}\``));
  });
});
