// `npm run bench`: the project against a minimal server on the SDK it uses (bench/compare/baseline-server.mjs),
// in one run, interleaved: Streamable HTTP 2025 sessions (1 and 32 concurrent), 2026-07-28 stateless at 32
// with 10 and 200 tools, stdio round trips, cold start, idle RSS and memory per idle session; for the
// project alone, RSS before idle sessions open and after they expire (the baseline never expires one).
// Prints the figures and project / baseline ratios (medians over BENCH_ROUNDS). Not a test.
// Knobs: BENCH_SECONDS=5 (each load stage) BENCH_WARMUP=1 BENCH_ROUNDS=1 BENCH_COLD_SPAWNS=5
//        BENCH_SESSIONS=2000 (memory per session) BENCH_EXPIRING_SESSIONS=1000 BENCH_TOOLS=10,200
import { coldStarts, type ExpiryStage, load2025, load2026, memoryPerSession, rssAcrossSessionExpiry, rssMb, stdioRoundTrips } from './compare/clients.js';
import { benchEnv, command, Fixtures, type ServerName, startHttp } from './compare/servers.js';
import { type Figure, median, ratioTable } from './compare/stats.js';

const knob = (name: string, fallback: number, max: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0 || value > max) throw new Error(`${name} must be a number from 0 to ${max}`);
  return value;
};
const SECONDS = knob('BENCH_SECONDS', 5, 120);
const WARMUP = knob('BENCH_WARMUP', 1, 30);
const ROUNDS = Math.max(1, Math.round(knob('BENCH_ROUNDS', 1, 10)));
const COLD_SPAWNS = Math.max(1, Math.round(knob('BENCH_COLD_SPAWNS', 5, 50)));
const SESSIONS = Math.max(1, Math.round(knob('BENCH_SESSIONS', 2000, 10000)));
const EXPIRING = Math.max(1, Math.round(knob('BENCH_EXPIRING_SESSIONS', 1000, 10000)));
// The server shrinks its heap 2 s after the last of many sessions closes, on Node 20 in two
// collections 6 s apart (garbage.ts shrinkHeap).
const EXPIRY: Omit<ExpiryStage, 'count'> = { warmup: 300, idleSeconds: 5, settleMs: 12_000 };
const [FEW, MANY] = (process.env.BENCH_TOOLS ?? '10,200').split(',').map(Number) as [number, number];
const SERVERS: ServerName[] = ['project', 'baseline'];

type Samples = Record<ServerName, number[]>;
const samples = new Map<string, { unit: string; better: Figure['better']; values: Samples }>();
function record(name: string, unit: string, better: Figure['better'], server: ServerName, value: number): void {
  const entry = samples.get(name) ?? { unit, better, values: { project: [], baseline: [] } };
  entry.values[server].push(value);
  samples.set(name, entry);
  console.error(`  ${server.padEnd(8)} ${name}: ${value.toFixed(1)} ${unit}`);
}

/** The project only (the baseline never expires a session): RSS before EXPIRING idle sessions open and after they expire. */
async function recordSessionExpiry(): Promise<void> {
  const http = await startHttp('project', fixtures, FEW, EXPIRY.idleSeconds);
  try {
    const rss = await rssAcrossSessionExpiry(http.url, http.pid, { ...EXPIRY, count: EXPIRING });
    const label = `${EXPIRING.toLocaleString('en-US')} idle 2025 sessions`;
    record(`RSS before ${label} open`, 'MB', 'lower', 'project', rss.before);
    record(`RSS with ${label} open`, 'MB', 'lower', 'project', rss.peak);
    record(`RSS after ${label} expire`, 'MB', 'lower', 'project', rss.after);
    record(`RSS after ${label} expire, change from before they opened`, '%', 'lower', 'project', ((rss.after - rss.before) / rss.before) * 100);
  } finally {
    await http.stop();
  }
}

const fixtures = await Fixtures.create();
try {
  const started = performance.now();
  for (let round = 1; round <= ROUNDS; round++) {
    console.error(`round ${round}/${ROUNDS}`);
    for (const server of SERVERS) {
      const http = await startHttp(server, fixtures, FEW);
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        record('idle RSS after start', 'MB', 'lower', server, rssMb(http.pid));
        if (WARMUP > 0) await load2025(http.url, 32, WARMUP);
        for (const concurrency of [1, 32]) {
          const result = await load2025(http.url, concurrency, SECONDS);
          record(`HTTP 2025 sessions, ${concurrency} concurrent`, 'rps', 'higher', server, result.rps);
          record(`HTTP 2025 sessions, ${concurrency} concurrent, p99`, 'ms', 'lower', server, result.p99Ms);
        }
        if (WARMUP > 0) await load2026(http.url, 32, WARMUP);
        record(`HTTP 2026-07-28 stateless, 32 concurrent, ${FEW} tools`, 'rps', 'higher', server, (await load2026(http.url, 32, SECONDS)).rps);
      } finally {
        await http.stop();
      }
      // on a server of its own: what the load stages left in V8's heap (and its memory reducer's later work) would blur it
      const fresh = await startHttp(server, fixtures, FEW);
      try {
        record('memory per idle 2025 session', 'KB', 'lower', server, await memoryPerSession(fresh.url, fresh.pid, SESSIONS));
      } finally {
        await fresh.stop();
      }
      const many = await startHttp(server, fixtures, MANY);
      try {
        if (WARMUP > 0) await load2026(many.url, 32, WARMUP);
        record(`HTTP 2026-07-28 stateless, 32 concurrent, ${MANY} tools`, 'rps', 'higher', server, (await load2026(many.url, 32, SECONDS)).rps);
      } finally {
        await many.stop();
      }
      if (server === 'project') await recordSessionExpiry();
      const stdio = await command(server, fixtures, FEW);
      const roundTrips = await stdioRoundTrips(stdio, benchEnv(FEW), SECONDS, WARMUP);
      record('stdio round trips', 'rps', 'higher', server, roundTrips.rps);
      record('stdio server CPU per call', 'µs', 'lower', server, roundTrips.cpuUsPerCall);
      record('cold start to the initialize answer (stdio)', 'ms', 'lower', server, median(await coldStarts(stdio, benchEnv(FEW), COLD_SPAWNS)));
    }
  }
  const figures: Figure[] = [...samples].map(([name, { unit, better, values }]) => ({ name: `${name} (${unit})`, unit, better, project: median(values.project), baseline: median(values.baseline) }));
  console.log(`\nmcp-server vs a minimal @modelcontextprotocol/server baseline: ${ROUNDS} round(s), ${SECONDS} s per load stage, medians; node ${process.version}\n`);
  console.log(ratioTable(figures));
  console.error(`\ndone in ${Math.round((performance.now() - started) / 1000)} s`);
} finally {
  await fixtures.close();
}
