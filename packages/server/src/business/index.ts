/** Businesses (banks) on Parley. Other domains import only from here. */
export { ensureDemoBusiness, getBusiness, listDirectory, toBusiness, demoBusiness } from './business.service';
export { businessRoutes } from './business.routes';
export type { BusinessRow } from './business.table';
