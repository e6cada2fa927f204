// What other parts of the bank use of customers, accounts and transactions.
export { findAccountById, findCustomerById, findCustomerByUsername, findTransactionById, insertTransaction, listAccountsOfCustomer } from './customer.repository';
export type { TransactionQuery } from './customer.repository';
export type { AccountKind, AccountRow, CustomerRow, TransactionRow, TransactionStatus } from './customers.table';
export { countTransactions, formatMinor, getBalances, listAccounts, listTransactions, recentTransactions, type AccountBalance } from './customers.service';
export { demoCustomers, generateHistory, startOfUtcDay, type History } from './history';
export { ensureSeeded } from './seed.service';
export { verifyPassword } from './password';
