/** Settings of the business, by section; a role sees only the sections it may use. */
import type { BusinessRole } from '@parley/protocol';
import { roleCan } from '../../api/console.api';
import { Link } from '../../router';
import { useConsole } from '../console.context';
import { consolePath, settingsSections, type SettingsSection } from '../console.routes';
import { KeysSection } from './keys.section';
import { MembersSection } from './members.section';
import { ProfileSection } from './profile.section';
import { WebhooksSection } from './webhooks.section';

const titles: Record<SettingsSection, string> = { profile: 'Business profile', members: 'Members', keys: 'API keys', webhooks: 'Webhooks' };

function allowed(section: SettingsSection, role: BusinessRole): boolean {
  if (section === 'profile') return true;
  if (section === 'members') return true;
  if (section === 'keys') return roleCan.manageKeys(role);
  return roleCan.manageWebhooks(role);
}

export function SettingsPage(props: { section: SettingsSection }) {
  const { business, role } = useConsole();
  const sections = settingsSections.filter((s) => allowed(s, role));
  const section = sections.includes(props.section) ? props.section : 'profile';
  return (
    <div className="settings">
      <nav className="settings-nav" aria-label="Settings">
        <h1 className="settings-title">Settings</h1>
        <ul>
          {sections.map((s) => (
            <li key={s}>
              <Link to={consolePath.settings(business.id, s)} className="settings-link" aria-current={s === section ? 'page' : undefined}>
                {titles[s]}
              </Link>
            </li>
          ))}
        </ul>
        {!roleCan.manageKeys(role) && <p className="muted small settings-role-note">API keys and webhooks are for owners and developers.</p>}
      </nav>
      <main className="settings-main" aria-labelledby="settings-heading">
        <h2 id="settings-heading" className="settings-heading">
          {titles[section]}
        </h2>
        {section === 'profile' && <ProfileSection />}
        {section === 'members' && <MembersSection />}
        {section === 'keys' && <KeysSection />}
        {section === 'webhooks' && <WebhooksSection />}
      </main>
    </div>
  );
}
