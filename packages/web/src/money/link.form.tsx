/**
 * "Link a bank": the person chooses what Parley may read, each with what it is for in plain
 * words, and for how long; then the browser goes to the bank's own sign-in and consent pages.
 */
import { categoryPurposes, dataCategories, defaultConsentDays, type Consent, type DataCategory, type Institution } from '@parley/protocol';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { createLink, listInstitutions } from '../api/banking.api';
import { describeError } from '../api/http.client';

const categoryTitles: Record<DataCategory, string> = {
  balances: 'Balances',
  transactions: 'Transactions',
  account_details: 'Account details',
};

const expiryChoices = [
  { days: 30, label: '30 days' },
  { days: defaultConsentDays, label: '90 days' },
  { days: 180, label: '6 months' },
  { days: 365, label: '1 year (the longest)' },
];

/** Where the browser goes; a seam so nothing else in the app assigns locations. */
function goTo(url: string): void {
  window.location.assign(url);
}

/** `renew`: link again with the same bank and choices as this consent. */
export function LinkBankForm(props: { intro?: string; renew?: Consent; onCancel?: () => void }) {
  const id = useId();
  const [institutions, setInstitutions] = useState<Institution[] | null>(null);
  const [institutionId, setInstitutionId] = useState('');
  const [chosen, setChosen] = useState<Set<DataCategory>>(() => new Set(props.renew ? props.renew.permissions.map((p) => p.category) : dataCategories));
  const [days, setDays] = useState(defaultConsentDays);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listInstitutions()
      .then((list) => {
        setInstitutions(list.institutions);
        const renewed = list.institutions.find((institution) => institution.id === props.renew?.institution.id);
        setInstitutionId((renewed ?? list.institutions[0])?.id ?? '');
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, [props.renew]);

  const toggle = (category: DataCategory): void =>
    setChosen((before) => {
      const after = new Set(before);
      if (after.has(category)) after.delete(category);
      else after.add(category);
      return after;
    });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (chosen.size === 0) return setError('Choose at least one thing Parley may read.');
    setBusy(true);
    try {
      const link = await createLink({ institutionId, permissions: dataCategories.filter((c) => chosen.has(c)), expiresInDays: days });
      goTo(link.authorizationUrl);
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  if (institutions?.length === 0) return <p className="muted">No bank can be linked on this Parley yet.</p>;
  return (
    <form className="link-form" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{props.renew ? `Renew your link to ${props.renew.institution.name}` : 'Link a bank'}</h2>
      {props.intro && <p>{props.intro}</p>}
      <p className="muted">Parley reads only what you allow here, only to show it to you, and never for advertising or for anyone else. You can revoke it at any time in the Privacy Center.</p>
      {institutions && institutions.length > 1 && (
        <div className="field">
          <label htmlFor={`${id}-bank`}>Bank</label>
          <select id={`${id}-bank`} value={institutionId} onChange={(event) => setInstitutionId(event.target.value)}>
            {institutions.map((institution) => (
              <option key={institution.id} value={institution.id}>
                {institution.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <fieldset className="choices">
        <legend>What Parley may read{institutions?.length === 1 ? ` at ${institutions[0]?.name}` : ''}</legend>
        {dataCategories.map((category) => (
          <label key={category} className="choice">
            <input type="checkbox" checked={chosen.has(category)} onChange={() => toggle(category)} aria-describedby={`${id}-${category}`} />
            <span>
              <span className="item-title">{categoryTitles[category]}</span>
              <span id={`${id}-${category}`} className="muted small">
                {categoryPurposes[category]}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-days`}>For how long</label>
        <select id={`${id}-days`} value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {expiryChoices.map((choice) => (
            <option key={choice.days} value={choice.days}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy || !institutionId}>
          {busy ? 'Going to your bank…' : 'Continue to your bank'}
        </button>
        {props.onCancel && (
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** The words for where a link ended, from `?link_error=`. Nothing is stored in any of these cases. */
export function linkErrorMessage(code: string): string {
  const nothing = 'Nothing was linked and nothing was stored.';
  switch (code) {
    case 'ERR_LINK_CANCELLED':
      return `You cancelled at your bank. ${nothing}`;
    case 'ERR_LINK_EXPIRED':
      return `The link took longer than 10 minutes or was already used. ${nothing} You can start again.`;
    case 'ERR_LINK_SESSION_MISMATCH':
      return `You came back to Parley signed in differently from when you left. ${nothing}`;
    default:
      return `Your bank could not complete the link. ${nothing} You can try again.`;
  }
}
