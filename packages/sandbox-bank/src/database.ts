import type { BotTables } from './bot/bot.table';
import type { CardTables } from './cards/cards.table';
import type { CustomerTables } from './customers/customers.table';
import type { OidcTables } from './oidc/oidc.table';
import type { OpenBankingTables } from './open-banking/consent.table';

/** Every table of the bank's database, for Kysely. Each domain owns its rows. */
export interface BankTables extends CustomerTables, OidcTables, OpenBankingTables, CardTables, BotTables {}
