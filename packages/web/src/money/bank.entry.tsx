/** In a bank's conversation header: "Link a bank" until that bank is linked, then "Money". */
import type { Institution } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { listConsents, listInstitutions } from '../api/banking.api';
import { Link } from '../router';

// Which businesses are banks changes only when an operator adds one: ask once per page load.
let institutions: Promise<Institution[]> | null = null;

export function BankLinkEntry(props: { businessId: string }) {
  const [state, setState] = useState<'none' | 'link' | 'linked'>('none');
  useEffect(() => {
    let live = true;
    institutions ??= listInstitutions().then((list) => list.institutions);
    institutions
      .then(async (list) => {
        const bank = list.find((institution) => institution.businessId === props.businessId);
        if (!bank) return 'none' as const;
        const { consents } = await listConsents();
        return consents.some((c) => c.institution.id === bank.id && c.status === 'active') ? ('linked' as const) : ('link' as const);
      })
      .then((next) => live && setState(next))
      .catch(() => {
        institutions = null;
      });
    return () => {
      live = false;
    };
  }, [props.businessId]);

  if (state === 'none') return null;
  return (
    <Link to="/app/money" className="button small bank-entry">
      {state === 'linked' ? 'Money' : 'Link a bank'}
    </Link>
  );
}
