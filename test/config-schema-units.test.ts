import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { schemaAt } from '../src/config/schema-walk.js';
import { anyBoolean, anyString, described, integer, isSecretSchema, nameGlobs, nonEmptyString, numberIn, positiveUpTo, secret } from '../src/config/schema-parts.js';

/** What a parse answers, as the config loader reads it: the value, or each issue's code, path and message. */
const outcome = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value, { jitless: true });
  return result.success ? { value: result.data } : { issues: result.error.issues.map(({ code, path, message }) => ({ code, path, message })) };
};

const PROBES = [-1, 0, 0.5, 1, 1.5, 16, 300, 1024, 65535, 65536, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '8', null, undefined, true, [], {}];

describe('config schema parts: the same validation as zod chains, in one step', () => {
  it('integer(min, max) answers as z.number().int().min(min).max(max)', () => {
    for (const value of PROBES) assert.deepEqual(outcome(integer(0, 65535), value), outcome(z.number().int().min(0).max(65535), value), String(value));
  });

  it('integer(min) answers as z.number().int().min(min)', () => {
    for (const value of PROBES) assert.deepEqual(outcome(integer(16), value), outcome(z.number().int().min(16), value), String(value));
  });

  it('numberIn(min, max) answers as z.number().min(min).max(max)', () => {
    for (const value of PROBES) assert.deepEqual(outcome(numberIn(0.5, 1024), value), outcome(z.number().min(0.5).max(1024), value), String(value));
  });

  it('positiveUpTo(max, message) answers as z.number().positive().max(max, message)', () => {
    for (const value of PROBES) {
      assert.deepEqual(outcome(positiveUpTo(300, 'too long'), value), outcome(z.number().positive().max(300, 'too long'), value), String(value));
      assert.deepEqual(outcome(positiveUpTo(300), value), outcome(z.number().positive().max(300), value), String(value));
    }
  });

  it('every part is one schema made at once: no chain of copies behind it', () => {
    for (const schema of [integer(0, 10), integer(1), numberIn(0, 1), positiveUpTo(1)]) assert.equal(schema._zod.parent?._zod.parent, undefined);
  });
});

describe('config schema parts: metadata without copies', () => {
  it('described() sets the description on the schema itself, read as zod reads .describe()', () => {
    const schema = z.string().default('x');
    assert.equal(described(schema, 'A name.'), schema);
    assert.equal(schema.description, 'A name.');
    assert.equal(z.globalRegistry.get(schema)?.description, z.string().default('x').describe('A name.').description);
  });

  it('refuses to describe a schema twice, or a shared part: every key using it would carry that description', () => {
    const reused = z.number().optional();
    described(reused, 'First key.');
    assert.throws(() => described(reused, 'Second key.'), /cannot take the description of one \("Second key\."\)/);
    assert.equal(reused.description, 'First key.');
    for (const part of [anyString, nonEmptyString, anyBoolean, nameGlobs]) {
      assert.throws(() => described(part, 'One key.'), /shared by several keys/);
      assert.equal(part.description, undefined);
    }
    assert.equal(described(nonEmptyString.optional(), 'One key.').description, 'One key.');
  });

  it('secret() marks the schema itself and keeps its description', () => {
    const schema = described(z.array(z.string()).default([]), 'Keys.');
    assert.equal(isSecretSchema(schema), false);
    assert.equal(secret(schema), schema);
    assert.equal(isSecretSchema(schema), true);
    assert.equal(schema.description, 'Keys.');
  });

  it('the config schema carries the descriptions and secret marks of its keys', () => {
    assert.equal(schemaAt(['transport', 'port'])?.description, 'Port the HTTP transports bind (0 picks a free port).');
    assert.equal(schemaAt(['upstreams'])?.description, 'Other MCP servers (stdio children or remote URLs) whose tools, resources and prompts are served here, by name.');
    for (const path of [
      ['server', 'requestStateSecret'],
      ['transport', 'apiKeys'],
      ['transport', 'adminKeys'],
      ['upstreams', 'any', 'headers'],
    ]) {
      const schema = schemaAt(path);
      assert.ok(schema && isSecretSchema(schema), path.join('.'));
      assert.ok(schema.description, path.join('.'));
    }
    assert.equal(isSecretSchema(schemaAt(['transport', 'port'])!), false);
  });
});
