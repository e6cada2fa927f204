/** The person's own data: the export and account deletion (docs/privacy.md). */
import { request } from './http.client';

/** Where the browser downloads everything Parley holds about the signed-in person (a JSON file). */
export const exportUrl = '/v1/account/export';

/** The words the person types to delete their account; the server checks the same. */
export const deleteConfirmation = 'delete my account';

/** Delete the account: consents revoked at the banks, every key destroyed, every session ended. */
export function deleteAccount(): Promise<unknown> {
  return request<unknown>('DELETE', '/v1/account', { body: { confirm: deleteConfirmation } });
}
