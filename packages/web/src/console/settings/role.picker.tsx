/** The three roles of a business member, and a picker for them. */
import { businessRoles, type BusinessRole } from '@parley/protocol';

export const roleDescriptions: Record<BusinessRole, string> = {
  owner: 'Members, keys, webhooks, settings and the inbox',
  developer: 'API keys, webhooks and delivery logs',
  agent: 'The inbox only',
};

export function RolePicker(props: { value: BusinessRole; onChange(role: BusinessRole): void }) {
  return (
    <label className="field">
      <span>Role</span>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value as BusinessRole)}>
        {businessRoles.map((r) => (
          <option key={r} value={r}>
            {r} — {roleDescriptions[r]}
          </option>
        ))}
      </select>
    </label>
  );
}
