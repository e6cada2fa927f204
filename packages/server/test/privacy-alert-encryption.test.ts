import { randomUUID } from 'node:crypto';
import type { AlertList, AlertSummary, CreatedApiKey, Note, NoteList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlerts } from '../src/alerts/alert.body';
import { bsidFor } from '../src/business';
import { openNotes } from '../src/inbox/note.body';
import { createInProcessBus } from '../src/platform/bus';
import { destroyedKeysTopic } from '../src/privacy/crypto-shred.service';
import { alertBody, alertOk, answerAlert, answerOk, switchAlerts } from './alerts-fixtures';
import { createKey, openStore } from './business-fixtures';
import { dialects, freshStore } from './context';
import { asMember, botHandsOver, customer, inboxWorld, type InboxWorld } from './inbox-fixtures';
import { contextOver, everyTableAsText, restorableKeys, sqliteFilesHolding, tablesHolding } from './privacy-at-rest-fixtures';
import type { TestPerson } from './people';
import { codeOf, history } from './send-fixtures';

// A fraud alert's card (headline, facts, actions) and an agent's internal note about a person
// are sealed at rest under that person's data key: canaries in them are in no table in clear
// (nor, on SQLite, in the file or its WAL), yet read back through every route; a card whose key
// is gone reads as erased without breaking the history; and after the person deletes their
// account, a copy of the database from before gives neither back.

describe.each(dialects)('alert cards and internal notes encrypted at rest (%s)', (dialect) => {
  const bus = createInProcessBus();
  let world: InboxWorld;
  let store: Awaited<ReturnType<typeof openStore>>;
  let alertKey: CreatedApiKey;

  /** A customer with alerts switched on, their BSID, and their conversation handed to the inbox. */
  async function alertCustomer(): Promise<{ person: TestPerson; conversationId: string; bsid: string }> {
    const { person, conversation } = await customer(world.t);
    await switchAlerts(world.t.app, person, world.bank.id, { card_transaction_review: true });
    await botHandsOver(world, conversation.id);
    return { person, conversationId: conversation.id, bsid: await bsidFor(store.ctx, world.bank.id, person.me.id) };
  }
  const alertsOf = async (person: TestPerson): Promise<AlertSummary[]> =>
    (await world.t.app.inject({ url: '/v1/alerts?limit=50', headers: { cookie: person.cookie } })).json<AlertList>().alerts;
  const notesOf = async (conversationId: string): Promise<string[]> => {
    const response = await asMember(world.t, world.agent, 'GET', `/v1/business/${world.bank.id}/inbox/${conversationId}/notes`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<NoteList>().notes.map((note) => note.text);
  };
  async function addNote(conversationId: string, text: string): Promise<Note> {
    const response = await asMember(world.t, world.agent, 'POST', `/v1/business/${world.bank.id}/inbox/${conversationId}/notes`, { text });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Note>();
  }
  const canaryAlert = (bsid: string, canary: string) =>
    alertBody(bsid, { headline: `Did you just spend €842.10 at ${canary}?`, facts: { amount: { amount: '842.10', currency: 'EUR' }, merchant: `merchant-${canary}`, place: 'Lisbon, PT' } });

  beforeAll(async () => {
    world = await inboxWorld(dialect, { deps: { bus } });
    store = await openStore(world.t.config);
    alertKey = await createKey(world.t.app, world.bank.id, ['alerts:send']);
  });
  afterAll(async () => {
    await store?.close();
    await world?.t.close();
  });

  it('keeps an alert card and an agent note out of every table in clear, and reads both back through the routes', async () => {
    const { person, conversationId, bsid } = await alertCustomer();
    const alertCanary = `canary-alert-${randomUUID()}`;
    const noteCanary = `canary-note-${randomUUID()}`;
    const sent = await alertOk(world.t.app, alertKey.secret, canaryAlert(bsid, alertCanary));
    await addNote(conversationId, `Customer disputes the charge, see ${noteCanary}`);

    const dump = await everyTableAsText(store.db, dialect);
    expect([dump.get('alerts'), dump.get('inbox_notes')]).toEqual([expect.stringContaining('pk1.'), expect.stringContaining('pk1.')]);
    expect({ alert: tablesHolding(dump, alertCanary), note: tablesHolding(dump, noteCanary) }).toEqual({ alert: [], note: [] });
    if (dialect === 'sqlite') expect(await sqliteFilesHolding(store.db, world.t.config.dataDir, [alertCanary, noteCanary])).toEqual([]);

    // The history, the card in the chat, an answer (its label comes from the card) and the console all read them.
    const [summary] = await alertsOf(person);
    expect(summary).toMatchObject({ id: sent.alertId, headline: expect.stringContaining(alertCanary), facts: { merchant: `merchant-${alertCanary}` }, status: 'pending' });
    const card = (await history(world.t.app, person, conversationId)).messages.find((message) => message.content.contentType === 'alert');
    expect(card?.content).toMatchObject({ alertId: sent.alertId, headline: expect.stringContaining(alertCanary), facts: { merchant: `merchant-${alertCanary}` } });
    expect((await answerOk(world.t.app, person, sent.alertId, { actionId: 'confirm' })).answer).toMatchObject({ actionId: 'confirm', label: 'Yes, it was me' });
    expect(await notesOf(conversationId)).toEqual([`Customer disputes the charge, see ${noteCanary}`]);
    const thread = await asMember(world.t, world.agent, 'GET', `/v1/business/${world.bank.id}/inbox/${conversationId}`);
    expect((thread.json() as { notes: Note[] }).notes.map((note) => note.text)).toEqual([`Customer disputes the charge, see ${noteCanary}`]);
  });

  it("seals the bot's handover note under the person's key: in no table in clear, read back in the inbox, erased with the key", async () => {
    const { person, conversation } = await customer(world.t);
    const canary = `canary-handover-${randomUUID()}`;
    await botHandsOver(world, conversation.id, `Asked about ${canary}`);
    const inboxRow = async () => (await asMember(world.t, world.agent, 'GET', `/v1/business/${world.bank.id}/inbox/${conversation.id}`)).json<{ conversation: { handoverNote: string | null } }>();

    const dump = await everyTableAsText(store.db, dialect);
    expect(tablesHolding(dump, canary)).toEqual([]);
    const stored = await store.db.selectFrom('inbox_conversations').select('handover_note').where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(stored.handover_note).toMatch(/^pk1\./);
    expect((await inboxRow()).conversation.handoverNote).toBe(`Asked about ${canary}`);

    const keys = await store.db.selectFrom('data_keys').select('id').where('owner_kind', '=', 'person').where('owner_id', '=', person.me.id).where('destroyed_at', 'is', null).execute();
    await store.db.updateTable('data_keys').set({ wrapped_key: null, master_key_id: null, destroyed_at: Date.now() }).where('id', 'in', keys.map((row) => row.id)).execute();
    bus.publish(destroyedKeysTopic, { ids: keys.map((row) => row.id) });
    expect((await inboxRow()).conversation.handoverNote).toBe('This note was erased.');
  });

  it('reads a card moved to another alert, or whose key was destroyed, as erased without breaking the history; plain rows from before sealing still read', async () => {
    const { person, conversationId, bsid } = await alertCustomer();
    const first = await alertOk(world.t.app, alertKey.secret, canaryAlert(bsid, 'first'));
    const second = await alertOk(world.t.app, alertKey.secret, canaryAlert(bsid, 'second'));
    const sealed = await store.db.selectFrom('alerts').select('body').where('id', '=', first.alertId).executeTakeFirstOrThrow();
    await store.db.updateTable('alerts').set({ body: sealed.body }).where('id', '=', second.alertId).execute();
    const legacy = { id: randomUUID(), text: 'Written before notes were sealed' };
    await store.db.insertInto('inbox_notes').values({ id: legacy.id, business_id: world.bank.id, conversation_id: conversationId, author_member_id: world.agent.memberId, author_name: 'Ana Agent', text: legacy.text, created_at: 1 }).execute();

    const byId = new Map((await alertsOf(person)).map((alert) => [alert.id, alert]));
    expect(byId.get(first.alertId)).toMatchObject({ headline: expect.stringContaining('first'), status: 'pending' });
    expect(byId.get(second.alertId)).toMatchObject({ headline: 'This alert was erased.', facts: {}, actions: [], status: 'expired' });
    expect(codeOf(await answerAlert(world.t.app, person, second.alertId, { actionId: 'confirm' }))).toBe('ERR_ALERT_EXPIRED');
    expect(await notesOf(conversationId)).toEqual([legacy.text]);

    // Another node destroys the person's key and says so on the bus: their history still answers, erased.
    const keys = await store.db.selectFrom('data_keys').select('id').where('owner_kind', '=', 'person').where('owner_id', '=', person.me.id).where('destroyed_at', 'is', null).execute();
    await store.db.updateTable('data_keys').set({ wrapped_key: null, master_key_id: null, destroyed_at: Date.now() }).where('id', 'in', keys.map((row) => row.id)).execute();
    bus.publish(destroyedKeysTopic, { ids: keys.map((row) => row.id) });
    const erased = await world.t.app.inject({ url: '/v1/alerts?limit=50', headers: { cookie: person.cookie } });
    expect(erased.statusCode).toBe(200);
    expect(erased.json<AlertList>().alerts.map((alert) => [alert.headline, alert.status])).toEqual([
      ['This alert was erased.', 'expired'],
      ['This alert was erased.', 'expired'],
    ]);
    // A note stored in clear before sealing needs no key: it still reads.
    expect(await notesOf(conversationId)).toEqual([legacy.text]);
  });

  it('after account deletion, a copy of the database from before gives back neither the card nor the note', async () => {
    const { person, conversationId, bsid } = await alertCustomer();
    const alertCanary = `canary-leaving-${randomUUID()}`;
    const noteCanary = `canary-leaving-note-${randomUUID()}`;
    await alertOk(world.t.app, alertKey.secret, canaryAlert(bsid, alertCanary));
    await addNote(conversationId, noteCanary);

    // The backup: every data key, alert row and note row as they are now.
    const backupKeys = await store.db.selectFrom('data_keys').selectAll().execute();
    const backupAlerts = await store.db.selectFrom('alerts').selectAll().where('person_id', '=', person.me.id).execute();
    const backupNotes = (await store.db.selectFrom('inbox_notes').selectAll().where('conversation_id', '=', conversationId).execute()).map((row) => ({ ...row, person_id: person.me.id }));
    const restoreAndRead = async (): Promise<string> => {
      const copy = await freshStore(dialect);
      const restored = await contextOver(world.t, copy);
      try {
        await restored.ctx.db.insertInto('data_keys').values(restorableKeys(backupKeys)).execute();
        return JSON.stringify([await openAlerts(restored.ctx, backupAlerts), await openNotes(restored.ctx, backupNotes)]);
      } catch (error) {
        return `refused: ${(error as { code?: string }).code ?? String(error)}`;
      } finally {
        await restored.close();
        await copy.drop();
      }
    };
    const before = await restoreAndRead();
    expect([before.includes(alertCanary), before.includes(noteCanary)]).toEqual([true, true]);

    const deleted = await world.t.app.inject({ method: 'DELETE', url: '/v1/account', headers: person.headers, payload: { confirm: 'delete my account' } });
    expect(deleted.json()).toMatchObject({ deleted: true, backupsUnreadable: true });
    const after = await restoreAndRead();
    expect([after.includes(alertCanary), after.includes(noteCanary)]).toEqual([false, false]);
    expect(after).toMatch(/erased|ERR_MASTER_KEY_MISSING|ERR_DATA_KEY_DESTROYED/);
  });
});
