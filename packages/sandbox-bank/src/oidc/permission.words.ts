/** What each Open Banking permission lets the client see, in the words a customer reads on the consent page. */
const words: Record<string, string> = {
  ReadAccountsBasic: 'Your account names and types',
  ReadAccountsDetail: 'Your account names and numbers',
  ReadBalances: 'Your balances',
  ReadTransactionsBasic: 'Your transactions, without merchant and reference details',
  ReadTransactionsDetail: 'Your transactions, with merchant and reference details',
  ReadTransactionsCredits: 'Money coming into your accounts',
  ReadTransactionsDebits: 'Money going out of your accounts',
  ReadBeneficiariesBasic: 'The people and businesses you pay',
  ReadBeneficiariesDetail: 'The people and businesses you pay, with their account details',
  ReadDirectDebits: 'Your Direct Debits',
  ReadStandingOrdersBasic: 'Your standing orders',
  ReadStandingOrdersDetail: 'Your standing orders, with payee account details',
  ReadScheduledPaymentsBasic: 'Your future-dated payments',
  ReadScheduledPaymentsDetail: 'Your future-dated payments, with payee account details',
  ReadStatementsBasic: 'Your statements',
  ReadStatementsDetail: 'Your statements, with amounts and details',
  ReadProducts: 'The products you hold with us',
  ReadOffers: 'Offers we have made you',
  ReadParty: 'The name and contact details on your accounts',
  ReadPartyPSU: 'Your own name and contact details',
  ReadPAN: 'Your full card numbers',
};

/** Plain words for a permission code; an unknown code is shown as itself rather than hidden. */
export function permissionInWords(code: string): string {
  return words[code] ?? code;
}
