/**
 * Privacy: the key ring and encryption at rest (data keys, seal/open, crypto-shredding, master
 * key rotation), the hash-chained access log, Parley's signing keys and consent receipts.
 * Other domains import only from here. See docs/privacy.md.
 */
export { KeyRing, loadMasterKey, masterKeyFile, masterKeyId } from './master-key.ring';
export { createDataKey, dataKeyOf, serviceKey, seal, open, openText, isSealed, sealedKeyId, type PrivacyContext, type SealAad, type DataKeyOwner } from './data-key.service';
export { DataKeySet, loadDataKeys, loadKeysOfSealed, loadOwnerKeys, dataKeyIdsOf, forgetOwnerKeyIds } from './data-key.set';
export {
  destroyDataKey,
  destroyKeysOfOwner,
  destroyKeysOfPerson,
  rotateMasterKey,
  dataKeysByMasterKey,
  evictDestroyedKeysFromBus,
  type ShredResult,
  type RotationResult,
} from './crypto-shred.service';
export { appendAccess, listAccess, verifyChain, type AccessEntryInput, type ChainReport, type ChainBreak } from './access-log.service';
export { ensureSigningKeys, currentSigningKey, rotateSigningKey, publicJwks, signJws, signingKeyUses, type SigningKey } from './signing-key.service';
export {
  signConsentReceipt,
  signRevocationReceipt,
  listReceipts,
  getReceipt,
  consentReceiptType,
  revocationReceiptType,
  type ReceiptContext,
  type ConsentReceiptInput,
  type RevocationReceiptInput,
} from './receipt.service';
export { privacyRoutes } from './privacy.routes';
export type { DataKeyOwnerKind, SigningKeyUse } from './privacy.table';
