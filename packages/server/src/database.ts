import type { Kysely } from 'kysely';
import type { AlertTables } from './alerts/alert.table';
import type { BankingTables } from './banking/banking.table';
import type { BusinessTables } from './business/business.table';
import type { IdempotencyTables } from './business/idempotency.table';
import type { IdentityTables } from './identity/identity.table';
import type { InboxTables } from './inbox/inbox.table';
import type { MessagingTables } from './messaging/messaging.table';
import type { NoticeTables } from './notices/notice.table';
import type { PrivacyTables } from './privacy/privacy.table';
import type { PushTables } from './push/push.table';
import type { WebhookTables } from './webhooks/webhook.table';

/** Every table Parley has, composed from each domain's `*.table.ts`. */
export type Tables = IdentityTables & BusinessTables & MessagingTables & WebhookTables & IdempotencyTables & PrivacyTables & BankingTables & PushTables & AlertTables & InboxTables & NoticeTables;

/** The database handle repositories receive. */
export type Db = Kysely<Tables>;
