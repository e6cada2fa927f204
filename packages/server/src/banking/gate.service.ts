import { hash } from 'node:crypto';
import { AccessActor, accessPurposes, type AccessPurpose, type DataCategory } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError, isAppError } from '../platform/errors';
import { appendAccess } from '../privacy';
import type { ConsentRow, InstitutionRow } from './banking.table';
import { categoriesOf, currentConsent, endConsent } from './consent.service';
import * as consents from './consent.repository';
import { readCached, writeCached } from './data-cache';
import { findInstitution } from './institution.service';
import { fetchFromBank, type FinancialData } from './ob.reader';
import { GrantGoneError } from './token.service';

export type { FinancialData } from './ob.reader';

/**
 * A read of a person's financial data. `purpose` is the closed union; TypeScript refuses any
 * other word, and the gate refuses it again at run time for callers that force one.
 */
export interface FinancialDataRequest {
  readonly personId: string;
  /** A Money account id (`<consentId>.<bank account id>`); absent: every account of each linked bank. */
  readonly accountId?: string;
  /** Without accountId: only the person's link with this bank (the agent console reads nothing of other banks). */
  readonly institutionId?: string;
  readonly category: DataCategory;
  readonly purpose: AccessPurpose;
  /** `person`, `bank-bot`, `system` or `agent:<id>`. */
  readonly actor: string;
}

/** What one bank gave: the data, where from and when. */
export interface FinancialDataResult {
  readonly consentId: string;
  readonly institution: { readonly id: string; readonly name: string };
  readonly fetchedAt: number;
  readonly data: FinancialData;
}

const allowedPurposes: ReadonlySet<string> = new Set(accessPurposes);
/** A consent's last_access_at moves at most this often. */
const lastAccessPrecisionMs = 60_000;
const noBank = { id: 'none', name: 'No linked bank' };

/** The purpose as the log keeps it: the asked-for word, reduced to the characters a log entry allows. */
function loggedPurpose(purpose: string): string {
  const cleaned = String(purpose).toLowerCase().replace(/[^a-z0-9_:.-]/g, '_').slice(0, 64);
  return cleaned === '' ? '_' : cleaned;
}

/** A Money account id split into the consent and the bank's account id, or null if malformed. */
export function parseAccountId(accountId: string): { consentId: string; bankAccountId: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{1,40})$/.exec(accountId);
  return match ? { consentId: match[1] as string, bankAccountId: match[2] as string } : null;
}

async function targetsOf(ctx: ServerContext, request: FinancialDataRequest): Promise<ConsentRow[]> {
  if (request.accountId === undefined) {
    const rows = await consents.listConsentsOfPerson(ctx.db, request.personId);
    // The newest consent per bank speaks for it: an old revoked one does not refuse a new link.
    const seen = new Set<string>();
    const latest = rows.filter((row) => !seen.has(row.institution_id) && seen.add(row.institution_id));
    return request.institutionId === undefined ? latest : latest.filter((row) => row.institution_id === request.institutionId);
  }
  const parsed = parseAccountId(request.accountId);
  const row = parsed && (await consents.findConsentOfPerson(ctx.db, request.personId, parsed.consentId));
  return row ? [row] : [];
}

/**
 * THE gate: the only code that reads financial data. For each bank the request reaches it checks
 * the purpose (closed list, at run time too), an active unexpired consent covering the category,
 * then reads through the connector (or the sealed cache) — and writes every outcome, allowed or
 * refused, to the person's hash-chained access log. Another person's account is not found.
 */
export async function readFinancialData(ctx: ServerContext, request: FinancialDataRequest): Promise<FinancialDataResult[]> {
  // An actor the log cannot name reads nothing: every read must be attributable.
  if (!AccessActor.pattern || !new RegExp(AccessActor.pattern).test(request.actor)) throw new AppError('ERR_VALIDATION', { message: `Unknown actor "${String(request.actor).slice(0, 40)}".` });
  const purpose = loggedPurpose(request.purpose);
  const targets = await targetsOf(ctx, request);
  const log = (institution: { id: string; name: string }, outcome: 'allowed' | 'refused', reason?: string) =>
    appendAccess(ctx, { personId: request.personId, actor: request.actor, institution, accountId: request.accountId ?? null, category: request.category, purpose, outcome, reason: reason ?? null });
  const purposeAllowed = allowedPurposes.has(request.purpose);
  if (targets.length === 0) {
    await log(noBank, 'refused', purposeAllowed ? 'no consent covers this data' : `purpose "${purpose}" is not allowed`);
    if (!purposeAllowed) throw new AppError('ERR_PURPOSE_DENIED');
    throw new AppError(request.accountId === undefined ? 'ERR_CONSENT_NOT_ACTIVE' : 'ERR_NOT_FOUND');
  }
  const results: FinancialDataResult[] = [];
  let firstRefusal: AppError | undefined;
  for (const target of targets) {
    try {
      results.push(await readOne(ctx, { request, consent: target, purposeAllowed, log }));
    } catch (error) {
      if (!isAppError(error)) throw error;
      firstRefusal ??= error;
    }
  }
  if (results.length === 0 && firstRefusal) throw firstRefusal;
  return results;
}

type Log = (institution: { id: string; name: string }, outcome: 'allowed' | 'refused', reason?: string) => Promise<unknown>;

async function readOne(ctx: ServerContext, input: { request: FinancialDataRequest; consent: ConsentRow; purposeAllowed: boolean; log: Log }): Promise<FinancialDataResult> {
  const { request, log } = input;
  const institution = (await findInstitution(ctx.db, input.consent.institution_id)) as InstitutionRow;
  const named = { id: institution.id, name: institution.name };
  if (!input.purposeAllowed) {
    await log(named, 'refused', `purpose "${loggedPurpose(request.purpose)}" is not allowed`);
    throw new AppError('ERR_PURPOSE_DENIED');
  }
  const consent = await currentConsent(ctx, input.consent);
  if (consent.status !== 'active' || !categoriesOf(consent).includes(request.category)) {
    await log(named, 'refused', consent.status !== 'active' ? `consent ${consent.status}` : `consent does not cover ${request.category}`);
    throw new AppError('ERR_CONSENT_NOT_ACTIVE');
  }
  const bankAccountId = request.accountId === undefined ? undefined : parseAccountId(request.accountId)?.bankAccountId;
  const cacheId = hash('sha256', JSON.stringify([consent.id, request.category, bankAccountId ?? null]), 'hex');
  try {
    const cached = await readCached(ctx, { consent, cacheId });
    const fresh = cached ?? { fetchedAt: ctx.clock.now(), data: await fetchFromBank(ctx, { consent, institution, category: request.category, bankAccountId }) };
    if (!cached) await writeCached(ctx, { consent, cacheId, fetchedAt: fresh.fetchedAt, data: fresh.data });
    const now = ctx.clock.now();
    // To the minute: a write per read would cost more than the read; the access log has every read.
    if (consent.last_access_at === null || now - Number(consent.last_access_at) >= lastAccessPrecisionMs) await consents.touchConsent(ctx.db, consent.id, now);
    await log(named, 'allowed');
    return { consentId: consent.id, institution: named, fetchedAt: fresh.fetchedAt, data: fresh.data };
  } catch (error) {
    if (error instanceof GrantGoneError) {
      // The bank ended it (invalid_grant or 403): revoked here too, with the same erasure.
      await endConsent(ctx, consent, 'bank');
      await log(named, 'refused', `consent revoked at the bank (${error.signal})`);
      throw new AppError('ERR_CONSENT_NOT_ACTIVE', { cause: error });
    }
    await log(named, 'refused', isAppError(error) ? error.code : 'bank read failed');
    throw error;
  }
}
