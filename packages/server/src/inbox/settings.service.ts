import type { BusinessSettings, UpdateBusinessSettingsBody } from '@parley/protocol';
import { getBusiness } from '../business';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { readConsoleSettings, updateBusinessProfile, writeConsoleSettings } from './settings.repository';

export async function readSettings(ctx: ServerContext, businessId: string): Promise<BusinessSettings> {
  const business = await getBusiness(ctx, businessId);
  if (!business) throw new AppError('ERR_NOT_FOUND');
  const settings = await readConsoleSettings(ctx.db, businessId);
  return {
    name: business.name,
    greeting: business.greeting,
    logoUrl: settings.logo_url,
    autoAssign: settings.auto_assign === 1,
    maxPerAgent: settings.max_per_agent,
  };
}

/** Change what the body names; the rest stays. The name and greeting are what people see of the business. */
export async function updateSettings(ctx: ServerContext, businessId: string, body: UpdateBusinessSettingsBody): Promise<BusinessSettings> {
  const current = await readConsoleSettings(ctx.db, businessId);
  const profile: { name?: string; greeting?: string | null } = {};
  if (body.name !== undefined) profile.name = body.name.trim();
  if (body.greeting !== undefined) profile.greeting = body.greeting;
  await updateBusinessProfile(ctx.db, businessId, profile);
  await writeConsoleSettings(ctx.db, businessId, {
    logo_url: body.logoUrl === undefined ? current.logo_url : body.logoUrl,
    auto_assign: body.autoAssign === undefined ? current.auto_assign : body.autoAssign ? 1 : 0,
    max_per_agent: body.maxPerAgent ?? current.max_per_agent,
  });
  return readSettings(ctx, businessId);
}
