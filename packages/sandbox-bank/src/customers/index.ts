// What other parts of the bank use of customers, accounts and transactions.
export { findAccountById, findCustomerById, findCustomerByUsername, findTransactionById, insertTransaction, listAccountsOfCustomer, listAccountsOfKinds } from './customer.repository';
export type { TransactionQuery } from './customer.repository';
export type { AccountKind, AccountRow, CustomerRow, TransactionRow, TransactionStatus } from './customers.table';
export { countTransactions, formatMinor, getBalances, listAccounts, listTransactions, recentTransactions, type AccountBalance } from './customers.service';
export { demoCustomers, generateHistory, startOfUtcDay, type History } from './history';
export { ensureSeeded } from './seed.service';
export { seededRandom, type Random } from './random';
export { verifyPassword } from './password';
