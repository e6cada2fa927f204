import { CreateNoteBody, InboxParams, Note, NoteList, CreateRevealBody, RevealRequest, RevealRequestList } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requirePerson } from '../identity';
import { consoleMember, consoleRoles } from './console.access';
import type { InboxCore } from './inbox.service';
import { addNote, notesOf } from './note.service';
import { requestReveal, revealsOf } from './reveal.service';
import { requireInboxRow } from './inbox.service';

const tags = ['console'];
const note = 'Agent console (agent, owner), with the session. A business you are not a member of answers 404. See docs/console.md.';

/** Internal notes and reveal requests of a conversation, on the console side. */
export function noteRoutes(core: InboxCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { ctx } = core;
    const preHandler = requirePerson(ctx);
    const member = (request: { params: { businessId: string } } & Parameters<typeof consoleMember>[1]) =>
      consoleMember(ctx, request, { businessId: request.params.businessId, allowed: consoleRoles.inbox });

    app.get('/v1/business/:businessId/inbox/:conversationId/notes', { preHandler, schema: { tags, summary: 'Internal notes, oldest first', description: note, params: InboxParams, response: { 200: NoteList } } }, async (request) => {
      await member(request);
      return { notes: await notesOf(core, request.params.businessId, request.params.conversationId) };
    });

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/notes',
      {
        preHandler,
        schema: { tags, summary: 'Add an internal note (never seen by the person, never in a webhook or export)', description: note, params: InboxParams, body: CreateNoteBody, response: { 201: Note } },
      },
      async (request, reply) => reply.code(201).send(await addNote(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, member: await member(request), text: request.body.text })),
    );

    app.get('/v1/business/:businessId/inbox/:conversationId/reveals', { preHandler, schema: { tags, summary: 'Reveal requests of the conversation, with approved values', description: note, params: InboxParams, response: { 200: RevealRequestList } } }, async (request) => {
      await member(request);
      await requireInboxRow(core, request.params.businessId, request.params.conversationId);
      return { reveals: await revealsOf(core, request.params.businessId, request.params.conversationId) };
    });

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/reveals',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Ask the person to reveal one field',
          description: `The person gets a \`reveal_request\` message and answers with one tap; an approved value is read through the gate (support_context) and written to their access log. ${note}`,
          params: InboxParams,
          body: CreateRevealBody,
          response: { 201: RevealRequest },
        },
      },
      async (request, reply) => reply.code(201).send(await requestReveal(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, member: await member(request), ...request.body })),
    );
  };
}
