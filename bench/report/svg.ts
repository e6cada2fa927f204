// A small SVG chart writer for bench/RESULTS.md: line charts (latency against offered load)
// and horizontal bar charts (CPU per message, memory per connection). No chart library: the
// bench runs offline and the plots must stay readable as plain files in the repository.

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface Bar {
  readonly label: string;
  /** null: not measured (shown as "n/a"). */
  readonly value: number | null;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (value: number): string =>
  value >= 10_000 ? `${Math.round(value / 1000)}k` : value >= 100 ? String(Math.round(value)) : String(+value.toPrecision(2));

/** Round steps for an axis from `low` to `high` (linear), about `count` of them. */
function ticks(high: number, count = 5): number[] {
  const raw = high / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.floor(high / step) + 1 }, (_, i) => i * step);
}

/** Powers of ten covering [low, high], for a log axis. */
function decades(low: number, high: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) out.push(10 ** e);
  return out;
}

/** A line chart; `logY` for latencies that span decades. */
export function lineChart(options: { title: string; xLabel: string; yLabel: string; series: readonly Series[]; logY?: boolean; limit?: { y: number; label: string } }): string {
  const { title, xLabel, yLabel, series, logY = false, limit } = options;
  const width = 640;
  const height = 360;
  const left = 64;
  const right = 160;
  const top = 36;
  const bottom = 48;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yValues = all.map((p) => p[1]).filter((v) => !logY || v > 0);
  const yTicks = logY ? decades(Math.max(1e-3, Math.min(...yValues, 1)), Math.max(...yValues, 1)) : ticks(Math.max(1e-9, ...yValues));
  const xTicks = ticks(xMax);
  const xTop = xTicks[xTicks.length - 1] as number;
  const [yLow, yHigh] = [yTicks[0] as number, yTicks[yTicks.length - 1] as number];
  const px = (x: number): number => left + (x / xTop) * (width - left - right);
  const py = (y: number): number => {
    const f = logY ? (Math.log10(Math.max(y, yLow)) - Math.log10(yLow)) / (Math.log10(yHigh) - Math.log10(yLow) || 1) : y / (yHigh || 1);
    return height - bottom - f * (height - top - bottom);
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2 - right / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (const y of yTicks) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${label(y)}</text>`);
  }
  for (const x of xTicks) out.push(`<text x="${px(x)}" y="${height - bottom + 16}" text-anchor="middle">${label(x)}</text>`);
  out.push(`<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="black"/>`);
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="black"/>`);
  out.push(`<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">${escape(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}${logY ? ' (log)' : ''}</text>`);
  if (limit && limit.y >= yLow && limit.y <= yHigh) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${py(limit.y)}" y2="${py(limit.y)}" stroke="#888" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${width - right - 4}" y="${py(limit.y) - 4}" text-anchor="end" fill="#555">${escape(limit.label)}</text>`);
  }
  series.forEach((s, i) => {
    const color = palette[i % palette.length] as string;
    const path = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of s.points) out.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<rect x="${width - right + 12}" y="${top + i * 18}" width="12" height="3" fill="${color}"/>`);
    out.push(`<text x="${width - right + 30}" y="${top + i * 18 + 5}">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** A horizontal bar chart, one bar per system, the value written at the end of each bar. */
export function barChart(options: { title: string; unit: string; bars: readonly Bar[] }): string {
  const { title, unit, bars } = options;
  const width = 640;
  const left = 190;
  const right = 110;
  const rowHeight = 26;
  const height = 44 + bars.length * rowHeight + 12;
  const max = Math.max(1e-9, ...bars.map((b) => b.value ?? 0));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  bars.forEach((bar, i) => {
    const y = 36 + i * rowHeight;
    const length = ((bar.value ?? 0) / max) * (width - left - right);
    out.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escape(bar.label)}</text>`);
    out.push(`<rect x="${left}" y="${y}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${palette[i % palette.length]}"/>`);
    const text = bar.value === null ? 'n/a' : `${+bar.value.toPrecision(3)} ${unit}`;
    out.push(`<text x="${left + length + 6}" y="${y + 15}">${escape(text)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
