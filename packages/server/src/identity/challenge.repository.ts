import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../database';
import type { AuthChallengesTable } from './identity.table';

export type ChallengeRow = Selectable<AuthChallengesTable>;

export async function insertChallenge(db: Db, challenge: Insertable<AuthChallengesTable>): Promise<void> {
  await db.insertInto('auth_challenges').values(challenge).execute();
}

/**
 * Delete and return the challenge in one statement, so two requests can never both use it.
 * Only a challenge of this purpose (and person) matches: a wrong guess spends nobody's challenge.
 */
export async function takeChallenge(
  db: Db,
  key: { id: string; purpose: ChallengeRow['purpose']; personId: string | null },
): Promise<ChallengeRow | undefined> {
  return db
    .deleteFrom('auth_challenges')
    .where('id', '=', key.id)
    .where('purpose', '=', key.purpose)
    .where('person_id', key.personId === null ? 'is' : '=', key.personId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteExpiredChallenges(db: Db, now: number): Promise<void> {
  await db.deleteFrom('auth_challenges').where('expires_at', '<=', now).execute();
}
