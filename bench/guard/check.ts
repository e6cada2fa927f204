// npm run bench:check — instruction counts of Parley's hot paths under callgrind, against
// bench/baseline.json; exits 1 when one grew by more than 3%. `-- --update` writes the baseline,
// `-- --update=route,insert` only those paths' counts (the others keep theirs).
// Each path runs twice (once and N+1 times) in one bundled script under
// `node --single-threaded --predictable`, which repeats exactly; the difference divided by N is
// the cost of one operation, free of Node's start-up.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const baselineFile = path.resolve(here, '../baseline.json');
// What the last check measured and said, for bench/report/report.ts.
const resultsFile = path.resolve(here, '../results/guard.json');
const paths: Record<string, number> = { frame: 2_000, sign: 2_000, insert: 1_000, route: 2_000 };
const allowedGrowth = 0.03;

function ensureValgrind(): void {
  if (spawnSync('valgrind', ['--version']).status === 0) return;
  console.log('installing valgrind (apt-get)…');
  execFileSync('apt-get', ['install', '-y', 'valgrind'], { stdio: 'inherit' });
}

function bundle(): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-guard-')), 'runner.mjs');
  execFileSync(path.join(repo, 'node_modules/.bin/esbuild'), [path.join(here, 'runner.ts'), '--bundle', '--platform=node', '--format=esm', '--external:better-sqlite3', `--outfile=${out}`, '--log-level=warning'], { cwd: repo });
  // better-sqlite3 stays external: resolve it from the repository, not the temp folder.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(path.dirname(out), 'node_modules'));
  return out;
}

function instructions(runner: string, name: string, count: number): number {
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--predictable', runner, name, String(count)], { encoding: 'utf8' });
  const collected = /Collected : (\d+)/.exec(run.stderr)?.[1];
  if (run.status !== 0 || !collected) throw new Error(`callgrind failed for ${name} (${count}):\n${run.stderr.slice(-2000)}`);
  return Number(collected);
}

const updateArg = process.argv.find((arg) => arg === '--update' || arg.startsWith('--update='));
const baseline = fs.existsSync(baselineFile) ? (JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as { perOperation: Record<string, number> }).perOperation : {};
const toUpdate = updateArg === undefined ? [] : updateArg === '--update' ? Object.keys(paths) : updateArg.slice('--update='.length).split(',');
const unknown = toUpdate.filter((name) => !(name in paths));
if (unknown.length) throw new Error(`--update names unknown hot paths: ${unknown.join(', ')}; one of ${Object.keys(paths).join(', ')}`);
ensureValgrind();
const runner = bundle();
const measured: Record<string, number> = {};
const report: Record<string, { operations: number; perOperation: number; baseline: number | null; change: number | null; verdict: string }> = {};
let failed = false;
for (const [name, count] of Object.entries(paths)) {
  const perOperation = Math.round((instructions(runner, name, count) - instructions(runner, name, 0)) / count);
  measured[name] = perOperation;
  const before = baseline[name];
  const change = before ? perOperation / before - 1 : 0;
  const verdict = before === undefined ? 'new' : change > allowedGrowth ? 'REGRESSION' : 'ok';
  // A path whose baseline this run rewrites cannot fail it; the others still can.
  if (verdict === 'REGRESSION' && !toUpdate.includes(name)) failed = true;
  report[name] = { operations: count, perOperation, baseline: before ?? null, change: before ? +change.toFixed(5) : null, verdict };
  console.log(`${name.padEnd(8)} ${perOperation.toLocaleString('en').padStart(12)} instructions/op  baseline ${before?.toLocaleString('en') ?? '—'}  ${before ? `${(change * 100).toFixed(2)}%` : ''}  ${verdict}`);
}
fs.rmSync(path.dirname(runner), { recursive: true, force: true });
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, allowedGrowth, updated: toUpdate, pass: !failed, paths: report }, null, 2)}\n`);
console.log(`wrote ${path.relative(repo, resultsFile)}`);
if (toUpdate.length) {
  const perOperation = { ...baseline, ...Object.fromEntries(toUpdate.map((name) => [name, measured[name]])) };
  fs.writeFileSync(baselineFile, `${JSON.stringify({ note: 'Instructions per operation under callgrind (bench/guard/check.ts); npm run bench:check -- --update rewrites it.', node: process.version, perOperation }, null, 2)}\n`);
  console.log(`wrote ${path.relative(repo, baselineFile)} (${toUpdate.join(', ')})`);
}
if (failed) {
  console.log(`a hot path costs more than ${allowedGrowth * 100}% over bench/baseline.json`);
  process.exitCode = 1;
}
