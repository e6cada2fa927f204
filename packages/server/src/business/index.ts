/** Businesses (banks) on Parley. Other domains import only from here. */
export {
  ensureDemoBusiness,
  getBusiness,
  findBusinessBySlug,
  createBusiness,
  listDirectory,
  toBusiness,
  demoBusiness,
  type BusinessContext,
} from './business.service';
export { addMember, listMembers, removeMember, authorizeMember, listMemberships } from './member.service';
export { createApiKey, listApiKeys, revokeApiKey, authenticateApiKey, type ApiKeyPrincipal } from './api-key.service';
export { requireApiKey, businessOf } from './api-key.hooks';
export { bsidFor, bsidsFor, personForBsid } from './bsid.service';
export { businessRoutes } from './business.routes';
export { sendRoutes } from './send.routes';
export { createIdempotency, type Idempotency } from './idempotency.service';
export { idempotentCreate, type IdempotentCreate } from './idempotent.route';
export { messengerRoutes } from './messenger.routes';
export type { BusinessRow } from './business.table';
