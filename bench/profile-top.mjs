// node bench/profile-top.mjs <file.cpuprofile> [N] [lastSeconds] [span] — the N functions with the most
// self time, and the N with the most total time (self + callees), from a V8 CPU profile; only
// the samples of the last `lastSeconds` when given (the load, not the start-up), and of only the
// `span` seconds from there when given too.
import fs from 'node:fs';

const [file, n = '30', last, span] = process.argv.slice(2);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const dt = profile.timeDeltas;
const stamps = [];
dt.reduce((at, delta, i) => (stamps[i] = at + delta), profile.startTime);
// With `span` too, the `span` seconds that start `lastSeconds` before the end.
const from = last ? profile.endTime - Number(last) * 1e6 : -Infinity;
const to = span ? from + Number(span) * 1e6 : Infinity;
profile.samples.forEach((id, i) => {
  if (stamps[i] >= from && stamps[i] < to) self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
});
const name = (node) => `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/packages\//, '')}:${node.callFrame.lineNumber + 1}`;
const total = [...self.values()].reduce((a, b) => a + b, 0);
const selfByName = new Map();
for (const [id, us] of self) {
  const key = name(byId.get(id));
  selfByName.set(key, (selfByName.get(key) ?? 0) + us);
}
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const key = name(byId.get(at));
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
};
show('self', selfByName);
show('total', inclusive);
