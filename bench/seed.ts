import { hash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/** A person the bench made, as a client holds them. */
export interface BenchPerson {
  readonly id: string;
  /** `parley_session=<token>` */
  readonly cookie: string;
  readonly csrfToken: string;
}

/**
 * Insert people and one session each straight into the bench's SQLite file, while Parley is
 * stopped. Signing thousands up through argon2id would take minutes on this machine and
 * measure argon2, not messaging. The rows are what a password sign-up writes (the session id
 * is the SHA-256 of the cookie token), without a password: these people can only use the
 * sessions made here.
 */
export function insertPeople(dataDir: string, count: number): BenchPerson[] {
  const db = new SQLite(path.join(dataDir, 'parley.db'));
  try {
    const now = Date.now();
    const person = db.prepare('insert into people (id, email, display_name, password_hash, created_at) values (?, ?, ?, null, ?)');
    const session = db.prepare(
      'insert into sessions (id, person_id, csrf_token, created_at, last_seen_at, expires_at, user_agent) values (?, ?, ?, ?, ?, ?, ?)',
    );
    const people: BenchPerson[] = [];
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const id = randomUUID();
        const token = randomBytes(32).toString('base64url');
        const csrfToken = randomBytes(24).toString('base64url');
        person.run(id, `bench-${i}-${id.slice(0, 8)}@example.com`, `Bench ${i}`, now);
        session.run(hash('sha256', token, 'hex'), id, csrfToken, now, now, now + 12 * 3_600_000, 'parley-bench');
        people.push({ id, cookie: `parley_session=${token}`, csrfToken });
      }
    })();
    return people;
  } finally {
    db.close();
  }
}

/** Open each person's conversation with the Sandbox Bank through the real route; returns the conversation ids. */
export async function openConversations(baseUrl: string, people: readonly BenchPerson[], concurrency = 32): Promise<string[]> {
  const origin = baseUrl.replace('127.0.0.1', 'localhost');
  const first = people[0];
  if (!first) return [];
  const directory = await fetch(`${baseUrl}/v1/businesses`, { headers: { cookie: first.cookie } });
  const { businesses } = (await directory.json()) as { businesses: { id: string; name: string }[] };
  const bank = businesses.find((b) => b.name === 'Sandbox Bank');
  if (!bank) throw new Error(`no Sandbox Bank in ${JSON.stringify(businesses)}`);
  const ids: string[] = new Array(people.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < people.length) {
      const i = next++;
      const person = people[i] as BenchPerson;
      const response = await fetch(`${baseUrl}/v1/conversations`, {
        method: 'POST',
        headers: { cookie: person.cookie, 'x-csrf-token': person.csrfToken, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ businessId: bank.id }),
      });
      if (response.status >= 300) throw new Error(`opening a conversation: ${response.status} ${await response.text()}`);
      ids[i] = ((await response.json()) as { id: string }).id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}
