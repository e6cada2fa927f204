/**
 * The Money panel's two charts, drawn by hand in SVG. Each is an image with a title and a
 * description for screen readers, and its numbers follow as a table they can read row by row.
 */
import { useId } from 'react';
import { formatMoney } from '../chat/content/money.format';
import { fromUnits, unitsToNumber, type BalancePoint, type CategorySpend } from './money.math';

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "groceries" → "Groceries". */
export function categoryName(category: string): string {
  const words = category.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function SpendingChart(props: { spending: readonly CategorySpend[]; currency: string }) {
  const id = useId();
  const { spending, currency } = props;
  if (spending.length === 0) return <p className="muted">No money went out in the last 30 days.</p>;
  const max = Math.max(...spending.map((s) => unitsToNumber(s.units)), 1);
  const row = 30;
  const height = spending.length * row;
  const total = spending.reduce((sum, s) => sum + s.units, 0n);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 320 ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>Spending by category, last 30 days</title>
        <desc id={`${id}-d`}>
          {`${spending.length} categories; the largest is ${categoryName(spending[0]?.category ?? '')} at ${formatMoney({ amount: spending[0]?.amount ?? '0', currency })}.`}
        </desc>
        {spending.map((s, index) => {
          const width = Math.max(2, (unitsToNumber(s.units) / max) * 150);
          const y = index * row;
          return (
            <g key={s.category} aria-hidden="true">
              <text x="0" y={y + 19} className="chart-label">
                {categoryName(s.category)}
              </text>
              <rect x="100" y={y + 6} width={width} height="18" rx="3" className="chart-bar" />
              <text x={106 + width} y={y + 19} className="chart-value">
                {formatMoney({ amount: s.amount, currency })}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <caption>Spending by category, last 30 days (total {formatMoney({ amount: fromUnits(total), currency })})</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Spent</th>
          </tr>
        </thead>
        <tbody>
          {spending.map((s) => (
            <tr key={s.category}>
              <th scope="row">{categoryName(s.category)}</th>
              <td>{formatMoney({ amount: s.amount, currency })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function BalanceChart(props: { points: readonly BalancePoint[]; currency: string }) {
  const id = useId();
  const { points, currency } = props;
  if (points.length < 2) return null;
  const values = points.map((p) => unitsToNumber(p.units));
  const low = Math.min(...values, 0);
  const high = Math.max(...values, 1);
  const [w, h, pad] = [320, 140, 8];
  const x = (i: number): number => pad + (i / (points.length - 1)) * (w - 2 * pad);
  const y = (v: number): number => pad + (1 - (v - low) / (high - low || 1)) * (h - 2 * pad);
  const line = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>Balance over the last 30 days</title>
        <desc id={`${id}-d`}>
          {`From ${formatMoney({ amount: first?.amount ?? '0', currency })} on ${dayFormat.format(first?.at ?? 0)} to ${formatMoney({ amount: last?.amount ?? '0', currency })} today.`}
        </desc>
        {low < 0 && <line x1={pad} x2={w - pad} y1={y(0)} y2={y(0)} className="chart-zero" />}
        <path d={`${line} L${x(points.length - 1)},${h - pad} L${x(0)},${h - pad} Z`} className="chart-area" />
        <path d={line} className="chart-line" />
      </svg>
      <div className="chart-axis" aria-hidden="true">
        <span>
          {dayFormat.format(first?.at ?? 0)} · {formatMoney({ amount: first?.amount ?? '0', currency })}
        </span>
        <span>Today · {formatMoney({ amount: last?.amount ?? '0', currency })}</span>
      </div>
      <table className="sr-only">
        <caption>Balance at the end of each day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Balance</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.at}>
              <th scope="row">{dayFormat.format(p.at)}</th>
              <td>{formatMoney({ amount: p.amount, currency })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
