import type { Db } from '../database';

export interface ConsoleSettingsRow {
  logo_url: string | null;
  auto_assign: number;
  max_per_agent: number;
}

/** Round-robin on, five conversations per agent: what a business has before its owner changes anything. */
export const defaultConsoleSettings: ConsoleSettingsRow = { logo_url: null, auto_assign: 1, max_per_agent: 5 };

export async function readConsoleSettings(db: Db, businessId: string): Promise<ConsoleSettingsRow> {
  const row = await db
    .selectFrom('business_console_settings')
    .select(['logo_url', 'auto_assign', 'max_per_agent'])
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return row ? { logo_url: row.logo_url, auto_assign: Number(row.auto_assign), max_per_agent: Number(row.max_per_agent) } : defaultConsoleSettings;
}

export async function writeConsoleSettings(db: Db, businessId: string, settings: ConsoleSettingsRow): Promise<void> {
  await db
    .insertInto('business_console_settings')
    .values({ business_id: businessId, ...settings })
    .onConflict((oc) => oc.column('business_id').doUpdateSet(settings))
    .execute();
}

/** The business's name and greeting (the business profile people see). */
export async function updateBusinessProfile(db: Db, businessId: string, profile: { name?: string; greeting?: string | null }): Promise<void> {
  if (profile.name === undefined && profile.greeting === undefined) return;
  await db.updateTable('businesses').set(profile).where('id', '=', businessId).execute();
}
