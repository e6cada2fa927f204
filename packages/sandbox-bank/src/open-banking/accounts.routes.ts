import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BankContext } from '../context';
import type { BankOidc } from '../oidc';
import { accountResources, balanceList, transactionPage, type TransactionFilter } from './accounts.service';
import { grantOfToken, type ConsentGrant } from './consent.service';
import { badRequest, forbidden, obErrorCodes } from './ob-error';
import { authenticate, selfUrl, sendOb } from './ob-http';
import { parseBookingDateTime } from './ob-resources';

type Query = { fromBookingDateTime?: unknown; toBookingDateTime?: unknown; page?: unknown };

/** A query parameter given at most once. */
function single(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw badRequest(obErrorCodes.fieldInvalid, `Give ${name} once.`, name);
}

function pageNumber(raw: unknown): number {
  const value = single(raw, 'page');
  if (value === undefined) return 1;
  if (!/^[1-9]\d{0,6}$/.test(value)) throw badRequest(obErrorCodes.fieldInvalid, 'page must be a whole number from 1.', 'page');
  return Number(value);
}

function filterOf(request: FastifyRequest<{ Querystring: Query }>): TransactionFilter {
  const from = parseBookingDateTime(single(request.query.fromBookingDateTime, 'fromBookingDateTime'), 'fromBookingDateTime');
  const to = parseBookingDateTime(single(request.query.toBookingDateTime, 'toBookingDateTime'), 'toBookingDateTime');
  if (from !== undefined && to !== undefined && from > to) throw badRequest(obErrorCodes.invalidDate, 'fromBookingDateTime must not be after toBookingDateTime.', 'fromBookingDateTime');
  return { from, to, page: pageNumber(request.query.page) };
}

/** An account of the request's path, which the customer must have chosen to share under this consent. */
function sharedAccount(grant: ConsentGrant, accountId: string): string[] {
  if (!grant.accountIds.includes(accountId)) throw forbidden(obErrorCodes.forbidden, 'This account is not shared under this consent.');
  return [accountId];
}

/** GET /accounts, /balances, /transactions and their per-account forms, each under a customer's consent. */
export function registerAccountRoutes(app: FastifyInstance, ctx: BankContext, oidc: BankOidc): void {
  const grantOf = async (request: FastifyRequest) => grantOfToken(ctx, oidc, await authenticate(oidc, request));

  app.get('/accounts', async (request, reply) => {
    const grant = await grantOf(request);
    return sendOb(reply, 200, await accountResources(ctx, grant, { accountIds: grant.accountIds, self: selfUrl(ctx, request) }));
  });
  app.get<{ Params: { AccountId: string } }>('/accounts/:AccountId', async (request, reply) => {
    const grant = await grantOf(request);
    return sendOb(reply, 200, await accountResources(ctx, grant, { accountIds: sharedAccount(grant, request.params.AccountId), self: selfUrl(ctx, request) }));
  });
  app.get('/balances', async (request, reply) => {
    const grant = await grantOf(request);
    return sendOb(reply, 200, await balanceList(ctx, grant, { accountIds: grant.accountIds, self: selfUrl(ctx, request) }));
  });
  app.get<{ Params: { AccountId: string } }>('/accounts/:AccountId/balances', async (request, reply) => {
    const grant = await grantOf(request);
    return sendOb(reply, 200, await balanceList(ctx, grant, { accountIds: sharedAccount(grant, request.params.AccountId), self: selfUrl(ctx, request) }));
  });
  app.get<{ Querystring: Query }>('/transactions', async (request, reply) => {
    const grant = await grantOf(request);
    const filter = filterOf(request);
    return sendOb(reply, 200, await transactionPage(ctx, grant, { accountIds: grant.accountIds, filter, self: selfUrl(ctx, request) }));
  });
  app.get<{ Params: { AccountId: string }; Querystring: Query }>('/accounts/:AccountId/transactions', async (request, reply) => {
    const grant = await grantOf(request);
    const filter = filterOf(request);
    return sendOb(reply, 200, await transactionPage(ctx, grant, { accountIds: sharedAccount(grant, request.params.AccountId), filter, self: selfUrl(ctx, request) }));
  });
}
