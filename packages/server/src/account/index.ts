/**
 * Account: the person's own data as a whole — export it, or delete the account. It sits above
 * identity, banking and privacy and orchestrates them; none of them imports it.
 */
export { accountRoutes } from './account.routes';
export { exportAccount, deleteAccount } from './account.service';
