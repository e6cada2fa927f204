import { MoneyAccountList, MoneyAccountParams, MoneyBalances, MoneyTransactions, type MoneyAccount } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { AppError, isAppError } from '../platform/errors';
import { readFinancialData, type FinancialDataResult } from './gate.service';

const tags = ['money'];
const source = (result: FinancialDataResult) => ({ institution: result.institution, fetchedAt: result.fetchedAt });

/**
 * The Money panel's reads, each through the gate (purpose show_to_user, actor person), each
 * saying where and when the data was fetched. Another person's account is 404.
 */
export function moneyRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);
    const read = (personId: string, category: 'balances' | 'transactions', accountId?: string) =>
      readFinancialData(ctx, { personId, category, purpose: 'show_to_user', actor: 'person', ...(accountId ? { accountId } : {}) });

    app.get(
      '/v1/money/accounts',
      { preHandler, schema: { tags, summary: 'My linked accounts, from each bank I linked with balances', response: { 200: MoneyAccountList } } },
      async (request) => {
        const { personId } = principalOf(request);
        let results: FinancialDataResult[] = [];
        try {
          results = await read(personId, 'balances');
        } catch (error) {
          // Nothing linked (or nothing readable): an empty panel, not an error.
          if (!isAppError(error) || error.code !== 'ERR_CONSENT_NOT_ACTIVE') throw error;
        }
        const accounts: MoneyAccount[] = results.flatMap((result) =>
          result.data.kind === 'balances'
            ? result.data.accounts.map((account) => ({ id: `${result.consentId}.${account.bankAccountId}`, name: account.name, type: account.type, currency: account.currency, identification: null, source: source(result) }))
            : [],
        );
        return { accounts };
      },
    );

    app.get(
      '/v1/money/accounts/:accountId/balances',
      { preHandler, schema: { tags, summary: 'Balances of one of my accounts', params: MoneyAccountParams, response: { 200: MoneyBalances } } },
      async (request) => {
        const [result] = await read(principalOf(request).personId, 'balances', request.params.accountId);
        if (!result || result.data.kind !== 'balances') throw new AppError('ERR_NOT_FOUND');
        const balances = result.data.balances.map((balance) => ({ type: balance.type, amount: balance.amount, currency: balance.currency, at: balance.at }));
        return { accountId: request.params.accountId, balances, source: source(result) };
      },
    );

    app.get(
      '/v1/money/accounts/:accountId/transactions',
      { preHandler, schema: { tags, summary: 'Recent transactions of one of my accounts', params: MoneyAccountParams, response: { 200: MoneyTransactions } } },
      async (request) => {
        const [result] = await read(principalOf(request).personId, 'transactions', request.params.accountId);
        if (!result || result.data.kind !== 'transactions') throw new AppError('ERR_NOT_FOUND');
        const transactions = result.data.transactions.map(({ bankAccountId: _account, ...transaction }) => transaction);
        return { accountId: request.params.accountId, transactions, source: source(result) };
      },
    );
  };
}
