import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeastAsGood, type Figure, formatNumber, median, quantile, ratio, ratioTable } from '../bench/compare/stats.js';

describe('npm run bench: summaries and the ratio table', () => {
  it('takes quantiles by nearest rank, whatever the order', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2);
    assert.equal(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.99), 100);
    assert.equal(quantile([7], 0.01), 7);
    assert.ok(Number.isNaN(median([])));
  });

  it('divides project by baseline, and has no ratio without both', () => {
    assert.equal(ratio(150, 100), 1.5);
    assert.ok(Number.isNaN(ratio(1, 0)));
    assert.ok(Number.isNaN(ratio(2, -10)), 'a negative baseline (memory that shrank) has no meaningful ratio');
    assert.ok(Number.isNaN(ratio(Number.NaN, 3)));
  });

  it('judges by the direction that wins', () => {
    const rps: Figure = { name: 'rps', unit: 'rps', better: 'higher', project: 120, baseline: 100 };
    const ms: Figure = { name: 'ms', unit: 'ms', better: 'lower', project: 120, baseline: 100 };
    assert.equal(atLeastAsGood(rps), true);
    assert.equal(atLeastAsGood(ms), false);
    assert.equal(atLeastAsGood({ ...ms, project: 100 }), true);
  });

  it('prints one row per figure with both values and the ratio', () => {
    const table = ratioTable([
      { name: 'stdio round trips (rps)', unit: 'rps', better: 'higher', project: 12_345.6, baseline: 10_000 },
      { name: 'cold start (ms)', unit: 'ms', better: 'lower', project: 9.876, baseline: Number.NaN },
    ]);
    const lines = table.split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[2], '| stdio round trips (rps) | 12,346 | 10,000 | 1.23x | higher is better | ok |');
    assert.equal(lines[3], '| cold start (ms) | 9.88 | – | – | lower is better |  |');
  });

  it('formats numbers with fewer decimals as they grow', () => {
    assert.equal(formatNumber(1234.5), '1,235');
    assert.equal(formatNumber(45.67), '45.7');
    assert.equal(formatNumber(0.123), '0.12');
    assert.equal(formatNumber(Number.NaN), '–');
  });
});
