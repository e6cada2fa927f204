import type { Migration } from 'kysely';
import { cardsMigration } from '../cards/cards.migration';
import { botAlertsMigration, botMigration } from '../bot/bot.migration';
import { balanceIndexMigration, customersMigration } from '../customers/customers.migration';
import { oidcMigration } from '../oidc/oidc.migration';
import { openBankingMigration } from '../open-banking/open-banking.migration';

/** Every schema change, applied in name order at start. Never edit one that has shipped; add the next. */
export const migrations: Record<string, Migration> = {
  '0001_customers': customersMigration,
  '0002_oidc': oidcMigration,
  '0003_open_banking': openBankingMigration,
  '0004_cards': cardsMigration,
  '0005_bot': botMigration,
  '0006_bot_alerts': botAlertsMigration,
  '0007_balance_index': balanceIndexMigration,
};
