/** Linking banks, consents, money (read through Parley's gate) and the Privacy Center over HTTP. */
import type {
  AccessLogPage,
  AccessLogQuery,
  ConsentList,
  CreatedLink,
  CreateLinkBody,
  InstitutionList,
  MoneyAccountList,
  MoneyBalances,
  MoneyTransactions,
  Receipt,
  ReceiptList,
} from '@parley/protocol';
import { request } from './http.client';

export function listInstitutions(): Promise<InstitutionList> {
  return request<InstitutionList>('GET', '/v1/links/institutions');
}

/** Start a link: the answer's `authorizationUrl` is the bank's sign-in and consent pages. */
export function createLink(body: CreateLinkBody): Promise<CreatedLink> {
  return request<CreatedLink>('POST', '/v1/links', { body });
}

export function listConsents(): Promise<ConsentList> {
  return request<ConsentList>('GET', '/v1/consents');
}

export function revokeConsent(consentId: string): Promise<void> {
  return request<void>('DELETE', `/v1/consents/${encodeURIComponent(consentId)}`);
}

export function listAccounts(): Promise<MoneyAccountList> {
  return request<MoneyAccountList>('GET', '/v1/money/accounts');
}

export function fetchBalances(accountId: string): Promise<MoneyBalances> {
  return request<MoneyBalances>('GET', `/v1/money/accounts/${encodeURIComponent(accountId)}/balances`);
}

export function fetchTransactions(accountId: string): Promise<MoneyTransactions> {
  return request<MoneyTransactions>('GET', `/v1/money/accounts/${encodeURIComponent(accountId)}/transactions`);
}

export function fetchAccessLog(query: AccessLogQuery = {}): Promise<AccessLogPage> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return request<AccessLogPage>('GET', `/v1/privacy/access-log?${params}`);
}

export function listReceipts(): Promise<ReceiptList> {
  return request<ReceiptList>('GET', '/v1/privacy/receipts');
}

export function fetchReceipt(receiptId: string): Promise<Receipt> {
  return request<Receipt>('GET', `/v1/privacy/receipts/${encodeURIComponent(receiptId)}`);
}
