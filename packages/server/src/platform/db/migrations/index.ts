import type { Migration } from 'kysely';
import * as foundation from './0001_foundation';
import * as business from './0004_business';
import * as webhooks from './0005_webhooks';
import * as send from './0006_send';
import * as handover from './0007_handover';
import * as menu from './0008_menu';
import * as messenger from './0009_messenger';
import * as personWindow from './0010_person_window';
import * as privacy from './0011_privacy';
import * as privacyLogSeal from './0014_privacy_log_seal';
import * as banking from './0013_banking';
import * as consentRenewal from './0014_consent_renewal';
import * as alerts from './0015_alerts';
import * as push from './0016_push';
import * as inbox from './0017_inbox';
import * as notices from './0018_notices';
import * as messageClientOrder from './0019_message_client_order';
import * as tokenRefreshLease from './0020_token_refresh_lease';

/** Every migration, in order. Append; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0004_business': business,
  '0005_webhooks': webhooks,
  '0006_send': send,
  '0007_handover': handover,
  '0008_menu': menu,
  '0009_messenger': messenger,
  '0010_person_window': personWindow,
  '0011_privacy': privacy,
  '0013_banking': banking,
  '0014_consent_renewal': consentRenewal,
  '0014_privacy_log_seal': privacyLogSeal,
  '0015_alerts': alerts,
  '0016_push': push,
  '0017_inbox': inbox,
  '0018_notices': notices,
  '0019_message_client_order': messageClientOrder,
  '0020_token_refresh_lease': tokenRefreshLease,
};
