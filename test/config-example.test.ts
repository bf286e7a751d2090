import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CONFIG_PATH_ENV } from '../src/config/config-path.js';
import { ENV_ALIASES, ENV_VARS } from '../src/config/env.js';
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

describe('README.md: environment variables', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Environment variables'), readme.indexOf('\n## ', readme.indexOf('### Environment variables')));
  it('documents every environment variable with its key, in one table', () => {
    assert.ok(section.length > 0, 'README.md has no "### Environment variables" section');
    for (const [name, target] of Object.entries(ENV_VARS)) {
      assert.match(section, new RegExp(`^\\| \`${name}\` \\| \`${target.path.join('.')}\` \\|`, 'm'), name);
    }
    assert.match(section, new RegExp(`^\\| \`${CONFIG_PATH_ENV}\` \\|`, 'm'));
  });

  it('names every old variable name with the one it stands for', () => {
    for (const [old, current] of Object.entries(ENV_ALIASES)) assert.ok(section.includes(`\`${old}\` (= \`${current}\`)`), old);
  });
});
