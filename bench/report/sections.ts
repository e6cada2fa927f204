import { loadAverage, median, ratioOf, tableSection, type TableRow } from './format';

// Sections of bench/RESULTS.md read from the JSON of bench:alerts, bench:banking, bench:fanout
// and bench:check (bench/guard/check.ts writes bench/results/guard.json).

interface Phase {
  measured: number;
  lost: number;
  duplicates: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  serverCpuPercent: number;
  serverWaitPercent: number;
}
/** One measured second of a round. */
interface PhaseSecond {
  second: number;
  p99Ms: number;
  /** The load generator's longest event-loop pause that second (runs since 2026-11-23 18:40 UTC). */
  loadPauseMs?: number;
}
/** The phases alternate for `plan.rounds` rounds; p50, p99, p99.9 and CPU are medians of the rounds. */
interface PhaseRounds {
  rounds: { p99Ms: number; perSecond: PhaseSecond[] }[];
  p99MinMs: number;
  p99MaxMs: number;
  pooled: { p99Ms: number };
}
export interface AlertsResults {
  date: string;
  machine: { loadAverageBefore: number[]; loadAverageAfter: number[] };
  plan: { people: number; rate: number; warmupMs: number; measureMs: number };
  limitP99Ms: number;
  alerts: Phase & PhaseRounds;
  peer: Phase & PhaseRounds & { name: string };
  ratios: { p99ToLimit: number; p99ToPeer: number };
  pass: boolean;
}

const statuses = (p: Phase): string => Object.entries(p.statuses).map(([status, n]) => `${n.toLocaleString('en')} × ${status}`).join(', ') || 'none';

/** The median p99 with the rounds' spread. */
const p99Spread = (p: Phase & PhaseRounds): string => `${p.p99Ms} ms (${p.p99MinMs}–${p.p99MaxMs})`;

export function alertsSection(a: AlertsResults): string[] {
  const { alerts, peer } = a;
  const load = `${a.plan.rate.toLocaleString('en')}/s Poisson, ${a.plan.people.toLocaleString('en')} connected persons`;
  const clean = (p: Phase): boolean => p.lost === 0 && p.duplicates === 0 && Object.keys(p.statuses).every((s) => s === '201');
  const rows: TableRow[] = [
    { figure: `Alert API call → alert frame, p99 (${load}, median of ${alerts.rounds.length} rounds (min–max))`, parley: p99Spread(alerts), peer: p99Spread(peer), ratio: ratioOf(alerts.p99Ms, peer.p99Ms), target: `≤ ${a.limitP99Ms} ms (${a.ratios.p99ToLimit}× the limit)`, pass: a.pass },
    { figure: 'p99 of every round pooled (context)', parley: `${alerts.pooled.p99Ms} ms`, peer: `${peer.pooled.p99Ms} ms`, ratio: ratioOf(alerts.pooled.p99Ms, peer.pooled.p99Ms), target: '–', pass: null },
    { figure: 'p50 (median of rounds)', parley: `${alerts.p50Ms} ms`, peer: `${peer.p50Ms} ms`, ratio: ratioOf(alerts.p50Ms, peer.p50Ms), target: '–', pass: null },
    { figure: 'p99.9 (median of rounds)', parley: `${alerts.p999Ms} ms`, peer: `${peer.p999Ms} ms`, ratio: ratioOf(alerts.p999Ms, peer.p999Ms), target: '–', pass: null },
    { figure: `lost / shown twice (of ${alerts.measured.toLocaleString('en')} measured)`, parley: `${alerts.lost} / ${alerts.duplicates}`, peer: `${peer.lost} / ${peer.duplicates}`, ratio: null, target: '0 / 0', pass: alerts.lost === 0 && alerts.duplicates === 0 },
    { figure: 'answers', parley: statuses(alerts), peer: statuses(peer), ratio: null, target: 'all 201', pass: clean(alerts) },
    { figure: 'server CPU (share of core 0; waited for it), median of rounds', parley: `${alerts.serverCpuPercent}% (${alerts.serverWaitPercent}%)`, peer: `${peer.serverCpuPercent}% (${peer.serverWaitPercent}%)`, ratio: ratioOf(alerts.serverCpuPercent, peer.serverCpuPercent), target: '–', pass: null },
  ];
  return tableSection(`## Alerts (\`npm run bench:alerts\`, ${a.date})`, rows, `${peer.name}`, [
    `Load average ${loadAverage(a.machine.loadAverageBefore)} before, ${loadAverage(a.machine.loadAverageAfter)} after. The peer is the Send API at the same rate, on the same server and sockets.`,
    '',
    `Each round: ${a.plan.measureMs / 1000} s measured after ${a.plan.warmupMs / 1000} s of warm-up, the two phases in turn. p99 of each round, ms — Alert API: ${alerts.rounds.map((r) => r.p99Ms).join(', ')}; Send API: ${peer.rounds.map((r) => r.p99Ms).join(', ')}.`,
    `Of each measured second, the worst round's seconds${alerts.rounds[0]?.perSecond[0]?.loadPauseMs === undefined ? '' : ' (in brackets, the load generator\'s own longest pause that second: a bad second with a long one is partly the generator\'s)'} — Alert API: ${worstRound(alerts.rounds)}; Send API: ${worstRound(peer.rounds)}.`,
  ]);
}

/** The p99 of each measured second of the round with the highest p99: where a bad round's tail came from. */
function worstRound(rounds: readonly { p99Ms: number; perSecond: PhaseSecond[] }[]): string {
  const worst = rounds.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
  return worst.perSecond.map((s) => (s.loadPauseMs === undefined ? s.p99Ms.toFixed(1) : `${s.p99Ms.toFixed(1)} [${s.loadPauseMs.toFixed(1)}]`)).join(', ');
}

interface BankingPath {
  measured: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  cacheHits?: number;
}
type CoreCost = { bank: number; parley: number };
export interface BankingResults {
  at: string;
  host: { loadAverageAtStart: number };
  plan: { rate: number };
  targets: { addedP50Ms: number; addedP99Ms: number };
  paths: { direct: BankingPath; cached: BankingPath; uncached: BankingPath; directAgain: BankingPath };
  oneAtATime: Record<'direct' | 'cached' | 'uncached', { p50Ms: number; p99Ms: number; errors: number }>;
  /** Since 2026-11-22 23:00 UTC. */
  core0?: { cpuUsPerRequest: Record<'direct' | 'cached' | 'uncached', CoreCost>; usPerUncachedRead: number; readsPerSecondAtMost: number };
  belowSaturation?: { rate: number; direct: BankingPath; uncached: BankingPath; addedMs: { p50: number; p99: number } } | null;
}

export function bankingSection(b: BankingResults): string[] {
  const { direct, cached, uncached, directAgain } = b.paths;
  // As the bench does: the better of the two direct runs, and a run with errors passes nothing.
  const base = { p50: Math.min(direct.p50Ms, directAgain.p50Ms), p99: Math.min(direct.p99Ms, directAgain.p99Ms) };
  const clean = [direct, cached, uncached, directAgain].every((p) => p.errors === 0 && p.measured > 0);
  const rate = `${b.plan.rate.toLocaleString('en')}/s open loop`;
  const gateRows = (['cached', 'uncached'] as const).flatMap((which) =>
    (['p50', 'p99'] as const).map((q): TableRow => {
      const value = b.paths[which][`${q}Ms`];
      const added = +(value - base[q]).toFixed(3);
      const target = q === 'p50' ? b.targets.addedP50Ms : b.targets.addedP99Ms;
      return { figure: `balance read through the gate, ${which}: ${q} at ${rate}`, parley: `${value} ms (adds ${added} ms)`, peer: `${base[q]} ms`, ratio: ratioOf(value, base[q]), target: `adds ≤ ${target} ms`, pass: clean && added <= target };
    }),
  );
  const one = b.oneAtATime;
  const oneRows = (['cached', 'uncached'] as const).flatMap((which) =>
    (['p50', 'p99'] as const).map((q): TableRow => ({
      figure: `one at a time (no queueing), ${which}: ${q}`,
      parley: `${one[which][`${q}Ms`]} ms (adds ${+(one[which][`${q}Ms`] - one.direct[`${q}Ms`]).toFixed(3)} ms)`,
      peer: `${one.direct[`${q}Ms`]} ms`,
      ratio: ratioOf(one[which][`${q}Ms`], one.direct[`${q}Ms`]),
      target: '–',
      pass: null,
    })),
  );
  const cpu = (c: CoreCost): string => `bank ${c.bank} + Parley ${c.parley} µs`;
  const coreRows: TableRow[] = b.core0
    ? [
        { figure: 'CPU of core 0 per request (bank + Parley; 600 one at a time, warm)', parley: `cached: ${cpu(b.core0.cpuUsPerRequest.cached)}; uncached: ${cpu(b.core0.cpuUsPerRequest.uncached)}`, peer: cpu(b.core0.cpuUsPerRequest.direct), ratio: null, target: '–', pass: null },
        { figure: 'uncached reads per second one core can carry (10⁶ µs ÷ CPU per read)', parley: b.core0.readsPerSecondAtMost.toLocaleString('en'), peer: '–', ratio: null, target: `${b.plan.rate.toLocaleString('en')} needed`, pass: null },
      ]
    : [];
  const below = b.belowSaturation;
  const belowRows: TableRow[] = below
    ? (['p50', 'p99'] as const).map((q) => ({
        figure: `uncached, below saturation: ${q} at ${below.rate.toLocaleString('en')}/s (60% of what core 0 carries)`,
        parley: `${below.uncached[`${q}Ms`]} ms (adds ${below.addedMs[q]} ms)`,
        peer: `${below.direct[`${q}Ms`]} ms`,
        ratio: ratioOf(below.uncached[`${q}Ms`], below.direct[`${q}Ms`]),
        target: '–',
        pass: null,
      }))
    : [];
  const rows: TableRow[] = [
    ...gateRows,
    { figure: `requests without an answer in time, or answered with an error (${rate})`, parley: `cached ${cached.errors.toLocaleString('en')}, uncached ${uncached.errors.toLocaleString('en')}`, peer: `${direct.errors.toLocaleString('en')}, again ${directAgain.errors.toLocaleString('en')}`, ratio: null, target: '0 (else nothing passes)', pass: clean },
    ...coreRows,
    ...belowRows,
    ...oneRows,
  ];
  return tableSection(`## Balance read through the gate (\`npm run bench:banking\`, ${b.at})`, rows, 'bank directly (DPoP; the better of two runs)', [
    `Load average ${b.host.loadAverageAtStart.toFixed(2)} at the start.${uncached.cacheHits ? ` ${uncached.cacheHits.toLocaleString('en')} uncached reads were answered from the cache after all (a concurrent read refilled it) and are left out.` : ''}`,
  ]);
}

export interface GuardResults {
  date: string;
  node: string;
  allowedGrowth: number;
  /** The paths whose baseline this run rewrote (`-- --update`); a boolean in the first results. */
  updated: boolean | string[];
  paths: Record<string, { operations: number; perOperation: number; baseline: number | null; verdict: string }>;
}

const updatedNote = (updated: GuardResults['updated']): string => {
  const names = updated === true ? ['every path'] : Array.isArray(updated) ? updated.map((n) => `\`${n}\``) : [];
  return names.length ? ` This run wrote its counts into \`bench/baseline.json\` for ${names.join(', ')} (\`-- --update\`).` : '';
};

export function guardSection(g: GuardResults): string[] {
  const limit = `≤ ${(1 + g.allowedGrowth).toFixed(2)}× the baseline`;
  const rows = Object.entries(g.paths).map(([name, p]): TableRow => ({
    figure: `\`${name}\`: instructions per operation (${p.operations.toLocaleString('en')} operations under callgrind)`,
    parley: p.perOperation.toLocaleString('en'),
    peer: p.baseline === null ? 'none (new)' : p.baseline.toLocaleString('en'),
    ratio: p.baseline === null ? null : ratioOf(p.perOperation, p.baseline),
    target: limit,
    pass: p.baseline === null ? null : p.verdict !== 'REGRESSION',
  }));
  const context = [`Node ${g.node}, \`node --single-threaded --predictable\` under valgrind's callgrind: the counts repeat to within 0.1%, so a growth is the code's, not the machine's.${updatedNote(g.updated)}`];
  return tableSection(`## Instruction-count regression guard (\`npm run bench:check\`, ${g.date})`, rows, '`bench/baseline.json`', context);
}

interface FanoutRound {
  allDeliveredMs: number;
  perSecond: number;
  delivered?: number;
}
interface FanoutFigures {
  rounds: FanoutRound[];
}
export interface FanoutResults {
  date: string;
  plan?: { receivers?: number };
  targets?: { allDeliveredMs?: number; rawShare?: number };
  peers?: Record<string, FanoutFigures>;
  rows: TableRow[];
  /** Parley's broadcast, once it has one: like a peer's figures (or several, by name). */
  parley?: FanoutFigures | Record<string, FanoutFigures>;
}

const isFigures = (value: unknown): value is FanoutFigures => typeof value === 'object' && value !== null && Array.isArray((value as FanoutFigures).rounds);
/** A row of the bench's own that already carries a Parley figure. */
const hasParleyFigure = (r: TableRow): boolean => r.parley !== '–' && !String(r.parley).startsWith('not available');

/** Parley's fan-out rows from `parley` (absent in results written before the broadcast API). */
function parleyFanoutRows(f: FanoutResults): TableRow[] {
  const entries: [string, FanoutFigures][] = isFigures(f.parley) ? [['Parley', f.parley]] : Object.entries(f.parley ?? {}).filter((e): e is [string, FanoutFigures] => isFigures(e[1]));
  const receivers = f.plan?.receivers ?? 10_000;
  const limitMs = f.targets?.allDeliveredMs ?? 100;
  const share = f.targets?.rawShare ?? 0.5;
  const [rawName, raw] = Object.entries(f.peers ?? {}).find(([name]) => name.startsWith('ws relay')) ?? ['ws relay', undefined];
  const rawPerSecond = raw ? median(raw.rounds.map((r) => r.perSecond)) : 0;
  return entries.map(([name, p]) => {
    const ms = p.rounds.map((r) => r.allDeliveredMs);
    const perSecond = median(p.rounds.map((r) => r.perSecond));
    const all = p.rounds.length > 0 && p.rounds.every((r) => r.delivered === undefined || r.delivered >= receivers);
    const share_ = ratioOf(perSecond, rawPerSecond);
    return {
      figure: `${name === 'Parley' ? 'Parley' : `Parley, ${name}`}: one notice, all ${receivers.toLocaleString('en')} delivered, median of ${p.rounds.length} (min–max)`,
      parley: p.rounds.length ? `${median(ms)} ms (${Math.min(...ms)}–${Math.max(...ms)}), ${perSecond.toLocaleString('en')} deliveries/s${all ? '' : ', **not all delivered**'}` : 'no rounds',
      peer: raw ? `${rawPerSecond.toLocaleString('en')} deliveries/s (${rawName})` : '–',
      ratio: share_,
      target: `all < ${limitMs} ms; ≥ ${share * 100}% of raw deliveries/s`,
      pass: p.rounds.length > 0 && all && median(ms) < limitMs && share_ !== null && share_ >= share,
    };
  });
}

/** The bench's rows, with Parley's own figures once `parley` is there (and not already among the rows). */
export function fanoutSection(f: FanoutResults): string[] {
  const own = f.rows.some(hasParleyFigure) ? [] : parleyFanoutRows(f);
  const rows = own.length ? [...own, ...f.rows.filter((r) => !String(r.parley).startsWith('not available'))] : f.rows;
  return tableSection(`## Fan-out (\`npm run bench:fanout\`, ${f.date})`, rows, 'peer');
}

/** Whether the fan-out results hold a Parley figure at all. */
export const fanoutMeasured = (f: FanoutResults | null): boolean => f !== null && (f.rows.some(hasParleyFigure) || parleyFanoutRows(f).length > 0);

export interface StorageResults {
  date: string;
  plan: { batch: number };
  sqlite: { perSecond: number };
  postgres: { perSecond: number } | null;
}
interface RampTargets {
  date: string;
  targets?: { parleyMaxRate?: number; parleyPostgresMaxRate?: number };
}

/**
 * Issue 8: "where a limit is real, show the evidence". For each missed target that a limit of this
 * machine can explain, the limit as these same results measured it, and whether it explains the
 * miss or leaves the gap to Parley. Targets no limit here explains are named as Parley's own.
 */
export function limitsSection(r: { storage: StorageResults | null; ramp: RampTargets | null; fanout: FanoutResults | null; banking: BankingResults | null; alerts: AlertsResults | null }): string[] {
  const lines: string[] = [];
  const n = (value: number): string => value.toLocaleString('en');
  if (r.storage && r.ramp) {
    const stores: [string, number | undefined, number][] = [
      ['SQLite', r.storage.sqlite.perSecond, r.ramp.targets?.parleyMaxRate ?? 25_000],
      ['PostgreSQL', r.storage.postgres?.perSecond, r.ramp.targets?.parleyPostgresMaxRate ?? 15_000],
    ];
    for (const [store, limit, target] of stores) {
      if (limit === undefined) continue;
      lines.push(
        limit < target
          ? `- **Max persisted rate on ${store}** (target ≥ ${n(target)}/s): the store alone, inserting the same rows ${r.storage.plan.batch} to a transaction with no server in front (\`bench:storage\`, ${r.storage.date}), reached ${n(limit)}/s, under the target: on this machine the target asks more than the store gave with nothing in front of it.`
          : `- **Max persisted rate on ${store}** (target ≥ ${n(target)}/s): the store alone reached ${n(limit)}/s (\`bench:storage\`, ${r.storage.date}), ${+(limit / target).toFixed(1)}× the target, so the store is not the limit: the gap is Parley's.`,
      );
    }
  }
  const relay = Object.entries(r.fanout?.peers ?? {}).find(([name]) => name.startsWith('ws relay'))?.[1];
  if (r.fanout && relay?.rounds.length) {
    const limitMs = r.fanout.targets?.allDeliveredMs ?? 100;
    const ms = relay.rounds.map((round) => round.allDeliveredMs);
    const span = `median ${median(ms)} ms (${Math.min(...ms)}–${Math.max(...ms)})`;
    lines.push(
      median(ms) >= limitMs
        ? `- **Fan-out, all delivered < ${limitMs} ms**: in the same run the raw \`ws\` relay, sending one prepared buffer to the same ${n(r.fanout.plan?.receivers ?? 10_000)} sockets with no HTTP, storage or checks, took ${span}: this host's loopback and receivers do not allow the limit even for the relay.`
        : `- **Fan-out, all delivered < ${limitMs} ms**: the raw \`ws\` relay made it in the same run (${span}), so the limit is not the host's alone: the gap is Parley's.`,
    );
  }
  const core = r.banking?.core0;
  if (r.banking && core) {
    const rate = r.banking.plan.rate;
    const { bank, parley } = core.cpuUsPerRequest.uncached;
    const fills = bank * rate >= 1e6;
    lines.push(
      `- **Balance read through the gate at ${n(rate)}/s**: the bench runs the Sandbox Bank and Parley on one core, and an uncached read cost that core bank ${n(bank)} µs + Parley ${n(parley)} µs (one at a time, warm; under load a read costs each somewhat less): at most ${n(core.readsPerSecondAtMost)} reads/s against ${n(rate)} needed. ${
        fills
          ? `Measured so, the bank alone would fill the core at that rate: a limit of the layout, with Parley's share on top of it.`
          : `Measured so, the bank leaves Parley ${n(Math.round(1e6 / rate - bank))} µs a read, and Parley uses ${n(parley)}: the gap is Parley's.`
      }`,
    );
  }
  if (r.alerts && !r.alerts.pass) {
    const limit = r.alerts.limitP99Ms;
    const rounds = r.alerts.alerts.rounds;
    const seconds = rounds.flatMap((round) => round.perSecond);
    const within = rounds.filter((round) => round.p99Ms <= limit).length;
    const secondsWithin = seconds.filter((s) => s.p99Ms <= limit).length;
    lines.push(`- **Alert API p99 ≤ ${limit} ms**: no limit of the machine is measured here; ${within} of the ${rounds.length} rounds, and ${secondsWithin} of the ${seconds.length} measured seconds, had their own p99 within the limit.`);
  }
  lines.push('- **Every other missed target** (CPU and p99 per message beside the peers, the reconnect storm, the Send API): no limit of the machine is shown by these results; the gap is Parley\'s own cost. bench/README.md says where that time goes.');
  return ['## Missed targets and the limits measured beside them', '', ...lines, ''];
}
