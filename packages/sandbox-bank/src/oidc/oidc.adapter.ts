import type { Kysely } from 'kysely';
import type { BankTables } from '../database';
import type { Clock } from '../platform/clock';
import {
  consumeModel,
  destroyModel,
  destroyModelsOfGrant,
  findModel,
  findModelBy,
  upsertModel,
  type StoredPayload,
} from './oidc.repository';

/** oidc-provider's adapter contract (one instance per model name). */
export interface OidcAdapter {
  upsert(id: string, payload: StoredPayload, expiresIn: number | undefined): Promise<void>;
  find(id: string): Promise<StoredPayload | undefined>;
  findByUid(uid: string): Promise<StoredPayload | undefined>;
  findByUserCode(userCode: string): Promise<StoredPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The adapter class oidc-provider instantiates per model, storing every model in the bank's
 * SQLite (oidc_models), so sessions, grants and tokens survive a restart.
 */
export function sqliteAdapter(db: Kysely<BankTables>, clock: Clock): new (kind: string) => OidcAdapter {
  return class SqliteOidcAdapter implements OidcAdapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: StoredPayload, expiresIn: number | undefined): Promise<void> {
      await upsertModel(db, {
        id,
        kind: this.kind,
        payload: JSON.stringify(payload),
        grant_id: text(payload.grantId),
        user_code: text(payload.userCode),
        uid: text(payload.uid),
        expires_at: expiresIn ? clock.now() + expiresIn * 1000 : null,
        consumed_at: null,
      });
    }

    find(id: string) {
      return findModel(db, this.kind, id, clock.now());
    }

    findByUid(uid: string) {
      return findModelBy(db, { kind: this.kind, column: 'uid', value: uid, now: clock.now() });
    }

    findByUserCode(userCode: string) {
      return findModelBy(db, { kind: this.kind, column: 'user_code', value: userCode, now: clock.now() });
    }

    consume(id: string) {
      return consumeModel(db, this.kind, id, Math.floor(clock.now() / 1000));
    }

    destroy(id: string) {
      return destroyModel(db, this.kind, id);
    }

    revokeByGrantId(grantId: string) {
      return destroyModelsOfGrant(db, grantId);
    }
  };
}
