/** Every read of the person's bank data, allowed or refused, newest first, with filters. */
import { accessPurposes, dataCategories, type AccessLogEntry, type AccessLogQuery } from '@parley/protocol';
import { useCallback, useEffect, useId, useState } from 'react';
import { fetchAccessLog } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { formatDateTime } from '../ui/format';

const categoryWords: Record<string, string> = { balances: 'Balances', transactions: 'Transactions', account_details: 'Account details' };
const purposeWords: Record<string, string> = { show_to_user: 'To show you', deliver_alert: 'For an alert', support_context: 'For support you asked for' };

function actorWords(actor: string): string {
  if (actor === 'person') return 'You, in Parley';
  if (actor === 'bank-bot') return 'Your bank’s assistant';
  if (actor === 'system') return 'Parley';
  return 'A bank agent';
}

type Filters = Pick<AccessLogQuery, 'category' | 'purpose' | 'outcome'>;

export function AccessLogSection() {
  const id = useId();
  const [filters, setFilters] = useState<Filters>({});
  const [entries, setEntries] = useState<AccessLogEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback((query: Filters, before?: number) => {
    setError(null);
    fetchAccessLog({ ...query, ...(before ? { before } : {}), limit: 50 })
      .then((page) => {
        setEntries((previous) => (before ? [...(previous ?? []), ...page.entries] : page.entries));
        setNextBefore(page.nextBefore);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(() => load(filters), [load, filters]);

  const choose = (key: keyof Filters) => (value: string) => setFilters((before) => ({ ...before, [key]: value || undefined }));

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Access log</h2>
      <p className="muted small">Every time anything read your bank data through Parley, or was refused, newest first. Entries are chained so none can be changed or removed unnoticed.</p>
      <div className="inline-form" role="group" aria-label="Filter the access log">
        <Select id={`${id}-c`} label="Data" value={filters.category ?? ''} onChange={choose('category')} options={dataCategories.map((c) => [c, categoryWords[c] ?? c])} />
        <Select id={`${id}-p`} label="Purpose" value={filters.purpose ?? ''} onChange={choose('purpose')} options={accessPurposes.map((p) => [p, purposeWords[p] ?? p])} />
        <Select id={`${id}-o`} label="Outcome" value={filters.outcome ?? ''} onChange={choose('outcome')} options={[['allowed', 'Allowed'], ['refused', 'Refused']]} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {entries?.length === 0 && <p className="muted">Nothing matches.</p>}
      {entries && entries.length > 0 && (
        <ul className="item-list access-log" aria-label="Access log entries">
          {entries.map((entry) => (
            <li key={entry.seq} className="item" data-outcome={entry.outcome}>
              <span className="item-body">
                <span className="item-title">
                  {categoryWords[entry.category] ?? entry.category} · {entry.institution.name}
                  <span className={entry.outcome === 'allowed' ? 'tag' : 'tag refused'}>{entry.outcome === 'allowed' ? 'Allowed' : 'Refused'}</span>
                </span>
                <span className="muted small">
                  {formatDateTime(entry.at)} · {actorWords(entry.actor)} · {purposeWords[entry.purpose] ?? entry.purpose}
                  {entry.reason ? ` · ${entry.reason}` : ''}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {nextBefore !== null && (
        <button type="button" className="button" onClick={() => load(filters, nextBefore)}>
          Show older entries
        </button>
      )}
    </section>
  );
}

function Select(props: { id: string; label: string; value: string; options: readonly (readonly [string, string])[]; onChange(value: string): void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">Any</option>
        {props.options.map(([value, words]) => (
          <option key={value} value={value}>
            {words}
          </option>
        ))}
      </select>
    </div>
  );
}
