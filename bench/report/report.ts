import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenLoopResult } from '../open-loop';
import type { SystemFigures } from '../peers.bench';
import { cpuOf, p99Of, peerRows } from '../peers-rows';
import { benchDir, median, ratio, read, resultsDir, tableSection, verdict, type TableRow } from './format';
import { alertsSection, bankingSection, fanoutMeasured, fanoutSection, guardSection, limitsSection, type AlertsResults, type BankingResults, type FanoutResults, type GuardResults, type StorageResults } from './sections';
import { barChart, lineChart, type Series } from './svg';

// npm run bench:report — bench/RESULTS.md and its plots (bench/results/plots/*.svg) from the
// JSON the benches wrote in bench/results/. `npm run bench` runs it last.

const plotsDir = path.join(resultsDir, 'plots');

interface Round {
  offeredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  cpuUsPerMessage: number;
  serverWaitPercent: number;
}
interface PeersResults {
  date: string;
  partial?: boolean;
  gaveUp?: Record<string, string>;
  machine: { loadAverageBefore: number[]; loadAverageAfter: number[] };
  plan: { pairs: number; rate: number; rounds: number };
  systems: Record<string, { memory: { sockets: number; bytesPerSocket: number } | null; rounds: Round[] }>;
}
function plot(name: string, svg: string): string {
  fs.mkdirSync(plotsDir, { recursive: true });
  fs.writeFileSync(path.join(plotsDir, name), svg);
  return `![${name}](results/plots/${name})`;
}

function peersSection(peers: PeersResults): string[] {
  const names = Object.keys(peers.systems);
  const lines = [
    `## Parley beside real peers (\`npm run bench:peers\`, ${peers.date})`,
    '',
    `Load average ${peers.machine.loadAverageBefore.map((n) => n.toFixed(2)).join(' ')} before, ${peers.machine.loadAverageAfter.map((n) => n.toFixed(2)).join(' ')} after.`,
    ...(peers.partial ? ['**Partial results**: the bench stopped before its last round (see the rounds column).', ''] : []),
    ...Object.entries(peers.gaveUp ?? {}).map(([name, why]) => `- ${name} stopped running rounds: ${why}.`),
    '',
    `Planned: ${peers.plan.rounds} alternating rounds of ${peers.plan.rate.toLocaleString('en')} msgs/s Poisson over ${(peers.plan.pairs * 2).toLocaleString('en')} sockets; medians with the min–max over the rounds.`,
    '',
    '| figure | Parley | peer | peer figure | Parley ÷ peer | target | result |',
    '|---|---|---|---|---|---|---|',
    // Rows are made again from the rounds, so a change in how they are read applies to earlier runs too.
    ...peerRows(new Map(Object.entries(peers.systems) as [string, SystemFigures][]), { rate: peers.plan.rate, sockets: peers.plan.pairs * 2 }).map((r) => `| ${r.figure} | ${r.parley} | ${r.peerName} | ${r.peer} | ${ratio(r.ratio)} | ${r.target} | ${verdict(r.pass)} |`),
    '',
    '| system | rounds | p50 ms | p99 ms (∞: a round delivered nothing) | lost | CPU µs/msg (rounds with nothing lost; ∞: none) | server waited for its core | memory B/socket |',
    '|---|---|---|---|---|---|---|---|',
    ...names.map((name) => {
      const s = peers.systems[name] as PeersResults['systems'][string];
      const m = (pick: (r: Round) => number, keep: (r: Round) => boolean = () => true): string => {
        const kept = s.rounds.filter(keep);
        const value = kept.length ? median(kept.map(pick)) : Number.POSITIVE_INFINITY;
        return Number.isFinite(value) ? String(+value.toFixed(2)) : '∞';
      };
      const lost = s.rounds.reduce((n, r) => n + r.lost, 0);
      return `| ${name} | ${s.rounds.length} | ${m((r) => r.p50Ms)} | ${m((r) => p99Of(r as OpenLoopResult))} | ${lost} | ${m((r) => cpuOf(r as OpenLoopResult), (r) => r.lost === 0)} | ${m((r) => r.serverWaitPercent)}% | ${s.memory?.bytesPerSocket ?? '–'} |`;
    }),
    '',
  ];
  lines.push(
    plot('cpu-per-message.svg', barChart({ title: `server CPU per message at ${peers.plan.rate.toLocaleString('en')}/s (median of rounds)`, unit: 'µs', bars: names.map((name) => ({ label: name, value: ((v) => (Number.isFinite(v) ? v : null))(median((peers.systems[name]?.rounds ?? []).filter((r) => r.lost === 0).map((r) => cpuOf(r as OpenLoopResult)))) })) })),
    '',
    plot('memory-per-socket.svg', barChart({ title: 'memory per idle connection (RSS delta ÷ sockets)', unit: 'B', bars: names.map((name) => ({ label: name, value: peers.systems[name]?.memory?.bytesPerSocket ?? null })) })),
    '',
  );
  return lines;
}

interface RampResults {
  date: string;
  plan: { pairs: number; p99LimitMs: number };
  targets?: { parleyMaxRate?: number; parleyPostgresMaxRate?: number };
  systems: Record<string, { steps: Round[]; maxRate: number }>;
  rows: TableRow[];
}

/** The ramp's Parley-on-PostgreSQL system, as bench/ramp.bench.ts names it. */
const parleyPostgres = 'Parley (PostgreSQL)';

/** Parley's max persisted rate on PostgreSQL, when the ramp ran it and its rows do not say it already. */
function postgresRampRows(ramp: RampResults): TableRow[] {
  const pg = ramp.systems[parleyPostgres];
  if (!pg || ramp.rows.some((r) => r.figure.includes('PostgreSQL'))) return [];
  const relay = ramp.systems['ws relay']?.maxRate ?? 0;
  const target = ramp.targets?.parleyPostgresMaxRate ?? 15_000;
  return [{ figure: `max persisted rate, p99 ≤ ${ramp.plan.p99LimitMs} ms (Parley on PostgreSQL)`, parley: `${pg.maxRate}/s`, peer: `${relay}/s`, ratio: relay ? +(pg.maxRate / relay).toFixed(3) : null, target: `≥ ${target}/s`, pass: pg.maxRate >= target }];
}

function rampSection(ramp: RampResults): string[] {
  const names = Object.keys(ramp.systems);
  const series = (pick: (r: Round) => number): Series[] =>
    names.map((name) => ({ name, points: (ramp.systems[name]?.steps ?? []).map((r) => [r.offeredPerSecond, Math.max(pick(r), 0.01)] as const) }));
  const limit = { y: ramp.plan.p99LimitMs, label: `ramp stops: p99 > ${ramp.plan.p99LimitMs} ms` };
  return [
    ...tableSection(`## Latency against offered load, max rate (\`npm run bench:ramp\`, ${ramp.date})`, [...ramp.rows, ...postgresRampRows(ramp)], 'peer'),
    '| system | step: offered/s → p50 / p99 ms (lost, server waited for its core) |',
    '|---|---|',
    ...names.map((name) => `| ${name} | ${(ramp.systems[name]?.steps ?? []).map((r) => `${r.offeredPerSecond / 1000}k → ${r.p50Ms} / ${r.p99Ms}${r.lost ? `, lost ${r.lost}` : ''} (${r.serverWaitPercent}%)`).join('; ')} |`),
    '',
    plot('latency-p99-vs-load.svg', lineChart({ title: 'p99 delivery latency against offered load', xLabel: 'offered msgs/s (Poisson)', yLabel: 'p99 ms', series: series((r) => r.p99Ms), logY: true, limit })),
    '',
    plot('latency-p50-vs-load.svg', lineChart({ title: 'p50 delivery latency against offered load', xLabel: 'offered msgs/s (Poisson)', yLabel: 'p50 ms', series: series((r) => r.p50Ms), logY: true })),
    '',
  ];
}

interface MessagingResults {
  date: string;
  ratios: Record<string, number | null>;
  pass: Record<string, boolean>;
  parley: { latency: { p99Ms: number }; throughput: { perSecond: number }; memory: { bytesPerSocket: number }; stall: { worstMs: number } };
  relay: MessagingResults['parley'];
}

function messagingRows(m: MessagingResults): TableRow[] {
  const figures: [string, (f: MessagingResults['parley']) => number, string][] = [
    ['persisted', (f) => f.throughput.perSecond, '/s'],
    ['p99', (f) => f.latency.p99Ms, ' ms'],
    ['longest stall', (f) => f.stall.worstMs, ' ms'],
    ['memory', (f) => f.memory.bytesPerSocket, ' B'],
  ];
  return Object.keys(m.ratios).map((figure) => {
    const [, pick, unit] = figures.find(([start]) => figure.startsWith(start)) ?? ['', () => NaN, ''];
    return { figure, parley: `${pick(m.parley)}${unit}`, peer: `${pick(m.relay)}${unit}`, ratio: m.ratios[figure] ?? null, target: '', pass: m.pass[figure] ?? null };
  });
}

/** What issue 8 asks for that the results in bench/results/ do not hold (yet). */
function notMeasured(results: { fanout: FanoutResults | null; ramp: RampResults | null; guard: GuardResults | null }): string[] {
  const missing = [
    ...(fanoutMeasured(results.fanout) ? [] : ['- fan-out of one bank notice to 10,000 subscribed persons: no Parley figure in `bench/results/fanout.json` (the table above has the peers only).']),
    ...(results.ramp?.systems[parleyPostgres] ? [] : ['- Parley\'s own persisted rate on PostgreSQL: `bench/results/ramp.json` has no `Parley (PostgreSQL)` run; the storage table\'s PostgreSQL row is the store\'s limit alone.']),
    ...(results.guard ? [] : ['- instruction counts of the hot paths: `npm run bench:check` has not written `bench/results/guard.json` yet.']),
  ];
  return missing.length ? missing : ['Nothing: every figure issue 8 names has a row above (met or not).'];
}

export function writeReport(): string {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (or `npm run bench:report` from the JSON in `bench/results/`). Method, peers and how to read this: `bench/README.md`.',
    'Every ratio is Parley ÷ a peer measured in the same run on the same machine; for latency, CPU and memory lower is better, for rates higher is better.',
    '',
  ];
  const peers = read<PeersResults>('peers');
  if (peers) lines.push(...peersSection(peers));
  const ramp = read<RampResults>('ramp');
  if (ramp) lines.push(...rampSection(ramp));
  const storm = read<{ date: string; rows: TableRow[] }>('storm');
  if (storm) lines.push(...tableSection(`## Reconnect storm (\`npm run bench:storm\`, ${storm.date})`, storm.rows, 'ws relay'));
  const fanout = read<FanoutResults>('fanout');
  if (fanout) lines.push(...fanoutSection(fanout));
  const storage = read<StorageResults & { rows: TableRow[] }>('storage');
  if (storage) lines.push(...tableSection(`## Storage limit (\`npm run bench:storage\`, ${storage.date})`, storage.rows, 'store'));
  const messaging = read<MessagingResults>('messaging');
  if (messaging) lines.push(...tableSection(`## Messaging path (\`npm run bench:messaging\`, ${messaging.date})`, messagingRows(messaging), 'ws relay'));
  const business = read<{ date: string; rows: TableRow[] }>('business');
  if (business) lines.push(...tableSection(`## Business API (\`npm run bench:business\`, ${business.date})`, business.rows, 'peer'));
  const alerts = read<AlertsResults>('alerts');
  if (alerts) lines.push(...alertsSection(alerts));
  const banking = read<BankingResults>('banking');
  if (banking) lines.push(...bankingSection(banking));
  const guard = read<GuardResults>('guard');
  if (guard) lines.push(...guardSection(guard));
  const known = new Set(['peers', 'ramp', 'storm', 'fanout', 'storage', 'messaging', 'business', 'alerts', 'banking', 'guard']);
  const others = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json') && !known.has(f.slice(0, -5))) : [];
  if (others.length) lines.push('## Other results', '', ...others.map((f) => `- \`bench/results/${f}\`: not summarised by this report yet.`), '');
  lines.push(...limitsSection({ storage, ramp, fanout, banking, alerts }));
  lines.push('## Not measured yet', '', ...notMeasured({ fanout, ramp, guard }), '');
  const file = path.join(benchDir, 'RESULTS.md');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`wrote ${path.relative(process.cwd(), writeReport())}`);
