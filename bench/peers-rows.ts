import type { OpenLoopResult } from './open-loop';
import type { SystemFigures } from './peers.bench';

/** A row of the peers table: Parley against one peer (or a limit), with the ratio and target. */
export interface PeerRow {
  readonly figure: string;
  readonly parley: string;
  readonly peerName: string;
  readonly peer: string;
  /** Parley ÷ peer, or null when either is missing. */
  readonly ratio: number | null;
  readonly target: string;
  readonly pass: boolean | null;
}

/** Median and spread (min–max) of one figure over the rounds. */
export function spread(rounds: readonly OpenLoopResult[], pick: (r: OpenLoopResult) => number): { median: number; min: number; max: number } {
  const values = rounds.map(pick).sort((a, b) => a - b);
  const mid = values.length >> 1;
  const median = values.length === 0 ? 0 : values.length % 2 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  return { median, min: values[0] ?? 0, max: values[values.length - 1] ?? 0 };
}

const num = (n: number): string => (Number.isFinite(n) ? String(+n.toFixed(2)) : '∞');
const fmt = (s: { median: number; min: number; max: number }, unit: string): string => `${num(s.median)}${unit} (${num(s.min)}–${num(s.max)})`;
const ratioOf = (a: number, b: number): number | null => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? +(a / b).toFixed(3) : null);

/** A round that delivered nothing has no latency: it counts as ∞, not as the empty histogram's 0. */
export const p99Of = (r: OpenLoopResult): number => (r.measured === 0 ? Number.POSITIVE_INFINITY : r.p99Ms);
/**
 * CPU per message holds only for a round that delivered everything: with messages lost, the work
 * for them was cut off by the grace time, so the figure would flatter the system. Such a round is
 * left out of the CPU median (∞ when no round delivered everything).
 */
export const cpuOf = (r: OpenLoopResult): number => (r.lost > 0 ? Number.POSITIVE_INFINITY : r.cpuUsPerMessage);

export function peerRows(figures: ReadonlyMap<string, SystemFigures>, load: { rate: number; sockets: number }): PeerRow[] {
  const parley = figures.get('Parley') as SystemFigures;
  const peers = [...figures.entries()].filter(([name]) => name !== 'Parley');
  const rows: PeerRow[] = [];
  const p99 = (f: SystemFigures): { median: number; min: number; max: number } => spread(f.rounds, p99Of);
  const cpu = (f: SystemFigures): { median: number; min: number; max: number } => {
    const whole = f.rounds.filter((r) => r.lost === 0);
    return whole.length ? spread(whole, cpuOf) : { median: Number.POSITIVE_INFINITY, min: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY };
  };
  const lost = (f: SystemFigures): number => f.rounds.reduce((n, r) => n + r.lost, 0);
  for (const [name, peer] of peers) {
    const ratio = ratioOf(p99(parley).median, p99(peer).median);
    rows.push({
      figure: `p99 delivery at ${load.rate.toLocaleString('en')}/s Poisson, ${load.sockets.toLocaleString('en')} sockets (median of rounds, min–max)`,
      parley: fmt(p99(parley), ' ms'),
      peerName: name,
      peer: `${fmt(p99(peer), ' ms')}${lost(peer) ? `, lost ${lost(peer)}` : ''}`,
      ratio,
      target: name === 'ws relay' ? '≤ 2× and ≤ 10 ms, 0 lost' : '–',
      pass: name === 'ws relay' ? ratio !== null && ratio <= 2 && p99(parley).median <= 10 && lost(parley) === 0 : null,
    });
  }
  const cpuTargets: Record<string, number> = { 'ws relay': 3, Prosody: 0.5, 'Socket.IO': 1 / 1.5 };
  for (const [name, peer] of peers) {
    const ratio = ratioOf(cpu(parley).median, cpu(peer).median);
    const limit = cpuTargets[name];
    rows.push({
      figure: `server CPU per message at ${load.rate.toLocaleString('en')}/s (median of rounds with nothing lost, min–max)`,
      parley: fmt(cpu(parley), ' µs'),
      peerName: name,
      peer: fmt(cpu(peer), ' µs'),
      ratio,
      target: limit === undefined ? '–' : `≤ ${+limit.toFixed(2)}×`,
      pass: limit === undefined || ratio === null ? null : ratio <= limit,
    });
  }
  for (const [name, peer] of peers.filter(([, f]) => f.memory !== null)) {
    const own = parley.memory?.bytesPerSocket ?? 0;
    const theirs = peer.memory?.bytesPerSocket ?? 0;
    rows.push({
      figure: `memory per idle socket, ${parley.memory?.sockets ?? 0} sockets`,
      parley: `${own} B`,
      peerName: name,
      peer: `${theirs} B`,
      ratio: theirs ? +(own / theirs).toFixed(3) : null,
      target: name === 'ws relay' ? '≤ 16,384 B' : '–',
      pass: name === 'ws relay' ? own <= 16_384 : null,
    });
  }
  return rows;
}
