/** How the team is doing: median first response and resolution times, and CSAT, overall, per agent and per day. */
import type { InboxFigures, InboxStats } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { roleCan } from '../../api/console.api';
import { describeError } from '../../api/http.client';
import { fetchStats } from '../../api/inbox.api';
import { useConsole } from '../console.context';
import { formatCsat, formatDuration } from './stats.format';

const dayMs = 24 * 60 * 60 * 1000;
const ranges = [7, 30, 90] as const;

type Loaded = { readonly state: 'loading' } | { readonly state: 'failed'; readonly message: string } | { readonly state: 'ready'; readonly stats: InboxStats };

export function StatsPage() {
  const { business, role } = useConsole();
  const [days, setDays] = useState<(typeof ranges)[number]>(30);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const load = useCallback(() => {
    const to = Date.now();
    fetchStats(business.id, { from: to - days * dayMs, to })
      .then((stats) => setLoaded({ state: 'ready', stats }))
      .catch((error: unknown) => setLoaded({ state: 'failed', message: describeError(error) }));
  }, [business.id, days]);
  useEffect(load, [load]);

  if (!roleCan.answer(role)) {
    return (
      <div className="console-empty">
        <h1>Stats are for agents and owners</h1>
      </div>
    );
  }
  return (
    <div className="stats">
      <header className="stats-head">
        <h1>Stats</h1>
        <div className="segmented" role="group" aria-label="Period">
          {ranges.map((range) => (
            <button key={range} type="button" aria-pressed={days === range} onClick={() => setDays(range)}>
              {range} days
            </button>
          ))}
        </div>
        <button type="button" className="button small" onClick={load}>
          Refresh
        </button>
      </header>
      {loaded.state === 'loading' && <p className="muted">Loading…</p>}
      {loaded.state === 'failed' && <p className="notice error">{loaded.message}</p>}
      {loaded.state === 'ready' && <StatsBody stats={loaded.stats} />}
    </div>
  );
}

function StatsBody(props: { stats: InboxStats }) {
  const { overall, perAgent, perDay } = props.stats;
  return (
    <>
      <dl className="stats-tiles">
        <Tile label="Handled" value={String(overall.handled)} />
        <Tile label="Median first response" value={formatDuration(overall.medianFirstResponseMs)} />
        <Tile label="Median resolution" value={formatDuration(overall.medianResolutionMs)} />
        <Tile label="CSAT" value={formatCsat(overall.csatAverage)} note={`${overall.csatCount} ${overall.csatCount === 1 ? 'rating' : 'ratings'}`} />
      </dl>
      <section className="settings-card" aria-labelledby="per-agent-title">
        <h2 id="per-agent-title">Per agent</h2>
        {perAgent.length === 0 ? <p className="muted">No conversations handled in this period.</p> : <FiguresTable rows={perAgent.map((row) => ({ key: row.memberId, label: row.displayName, figures: row }))} first="Agent" />}
      </section>
      <section className="settings-card" aria-labelledby="per-day-title">
        <h2 id="per-day-title">Per day</h2>
        {perDay.length === 0 ? (
          <p className="muted">Nothing yet in this period.</p>
        ) : (
          <>
            <DayChart stats={props.stats} />
            <FiguresTable rows={[...perDay].reverse().map((row) => ({ key: row.day, label: row.day, figures: row }))} first="Day (UTC)" />
          </>
        )}
      </section>
    </>
  );
}

function Tile(props: { label: string; value: string; note?: string }) {
  return (
    <div className="stats-tile">
      <dt>{props.label}</dt>
      <dd>
        {props.value}
        {props.note && <span className="muted small"> · {props.note}</span>}
      </dd>
    </div>
  );
}

function FiguresTable(props: { rows: { key: string; label: string; figures: InboxFigures }[]; first: string }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">{props.first}</th>
          <th scope="col" className="num">Handled</th>
          <th scope="col" className="num">Median first response</th>
          <th scope="col" className="num">Median resolution</th>
          <th scope="col" className="num">CSAT</th>
          <th scope="col" className="num">Ratings</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map(({ key, label, figures }) => (
          <tr key={key}>
            <th scope="row">{label}</th>
            <td className="num">{figures.handled}</td>
            <td className="num">{formatDuration(figures.medianFirstResponseMs)}</td>
            <td className="num">{formatDuration(figures.medianResolutionMs)}</td>
            <td className="num">{formatCsat(figures.csatAverage)}</td>
            <td className="num">{figures.csatCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every UTC day of the period, the quiet ones too, so the bars keep their place in time. */
function daysOf(stats: InboxStats): InboxStats['perDay'] {
  const byDay = new Map(stats.perDay.map((day) => [day.day, day]));
  const days: InboxStats['perDay'] = [];
  const first = new Date(stats.from);
  first.setUTCHours(0, 0, 0, 0);
  for (let at = first.getTime(); at <= stats.to && days.length < 400; at += dayMs) {
    const day = new Date(at).toISOString().slice(0, 10);
    days.push(byDay.get(day) ?? { day, handled: 0, medianFirstResponseMs: null, medianResolutionMs: null, csatAverage: null, csatCount: 0 });
  }
  return days;
}

/** Conversations handled per day as bars, and CSAT as a number over each: enough to see a trend. */
function DayChart(props: { stats: InboxStats }) {
  const days = daysOf(props.stats);
  const max = Math.max(1, ...days.map((d) => d.handled));
  const width = 28;
  const height = 100;
  const labelEvery = days.length > 31 ? 7 : 1;
  return (
    <svg className="day-chart" viewBox={`0 0 ${days.length * width} ${height + 34}`} role="img" aria-label="Conversations handled per day; the table below has the figures">
      <line x1={0} x2={days.length * width} y1={height + 14} y2={height + 14} className="day-axis" />
      {days.map((day, index) => {
        const bar = Math.round((day.handled / max) * height);
        const x = index * width + 5;
        const middle = x + (width - 10) / 2;
        return (
          <g key={day.day}>
            {day.handled > 0 && <rect x={x} y={height - bar + 14} width={width - 10} height={bar} rx={3} className="day-bar" />}
            {day.csatAverage !== null && (
              <text x={middle} y={height - bar + 10} textAnchor="middle" className="day-csat">
                {day.csatAverage.toFixed(1)}
              </text>
            )}
            {index % labelEvery === 0 && (
              <text x={middle} y={height + 30} textAnchor="middle" className="day-label">
                {day.day.slice(8)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
