import { Type, type Static } from '@sinclair/typebox';
import { Bsid, BusinessRole } from './business';
import { QuickRepliesContent, TextContent } from './content';
import { Message } from './messaging';
import { DataCategory } from './privacy';
import { ClientId, Id, Seq, Timestamp } from './schema';

/**
 * The agent console's wire contract (docs/console.md): the human inbox a bank's members work
 * in, and the settings its owners and developers manage. Every route takes the person's
 * session cookie (and, for writes, the CSRF token like every person route), never an API key.
 *
 * Roles: `owner` (everything), `developer` (keys, webhooks, delivery logs), `agent` (the inbox).
 * The inbox is worked by `agent` and `owner`. A person who is not a member of the business gets
 * 404 ERR_NOT_FOUND on every route, exactly as for a business that does not exist; a member
 * whose role lacks the right gets 403 ERR_FORBIDDEN.
 *
 * Routes (all under `/v1/business/:businessId`, next to the existing `/members` and `/keys`):
 *
 * | route | who | body → answer |
 * |---|---|---|
 * | `GET /inbox?status&view&bsid&limit&before&beforeId` | agent, owner | → InboxList |
 * | `GET /inbox/agents` | agent, owner | → InboxAgentList (for transfer) |
 * | `GET /inbox/stats?from&to` | agent, owner | → InboxStats |
 * | `GET /inbox/:conversationId` | agent, owner | → InboxConversationView |
 * | `GET /inbox/:conversationId/messages?before&limit` | agent, owner | → HistoryPage (the whole thread, bot and humans) |
 * | `POST /inbox/:conversationId/messages` | agent, owner | AgentReplyBody → 201 AgentReplyAck (200 on a resend of the clientId) |
 * | `POST /inbox/:conversationId/assign` | agent, owner | AssignBody → InboxConversation |
 * | `POST /inbox/:conversationId/status` | agent, owner | SetInboxStatusBody → InboxConversation |
 * | `POST /inbox/:conversationId/resolve` | agent, owner | — → InboxConversation (sends the CSAT survey, gives the thread back to the bot) |
 * | `POST /inbox/:conversationId/return` | agent, owner | ReturnToBotBody → InboxConversation (handover.returned, no survey) |
 * | `POST /inbox/:conversationId/take` | agent, owner | — → InboxConversation (takes a bot-owned thread: handover.taken) |
 * | `POST /inbox/:conversationId/read` | agent, owner | AgentReadBody → 204 |
 * | `POST /inbox/:conversationId/typing` | agent, owner | AgentTypingBody → 204 |
 * | `GET`/`POST /inbox/:conversationId/notes` | agent, owner | CreateNoteBody → NoteList / 201 Note |
 * | `GET`/`POST /inbox/:conversationId/reveals` | agent, owner | CreateRevealBody → RevealRequestList / 201 RevealRequest |
 * | `GET`/`POST /canned`, `PATCH`/`DELETE /canned/:cannedId` | agent, owner (read); owner (write) | CannedResponseBody → CannedResponseList / CannedResponse |
 * | `GET`/`PATCH /settings` | owner (developer may read) | UpdateBusinessSettingsBody → BusinessSettings |
 * | `GET`/`PUT /menu` | owner | SetBusinessMenuBody → BusinessMenu (as `PUT /v1/business/profile/menu`, menu.ts) |
 * | `GET`/`POST /invites`, `DELETE /invites/:inviteId` | owner | CreateInviteBody → InviteList / 201 CreatedInvite |
 * | `GET`/`POST /webhooks/endpoints`, `DELETE /webhooks/endpoints/:endpointId`, `POST …/rotate-secret`, `POST …/test` | owner, developer | as the API-key routes in docs/webhooks.md |
 * | `GET /webhooks/deliveries`, `POST /webhooks/deliveries/:deliveryId/replay` | owner, developer | as the API-key routes |
 * | `GET`/`POST /members`, `DELETE /members/:memberId` | owner (developer may list) | exist (business.ts) |
 * | `GET`/`POST /keys`, `DELETE /keys/:keyId` | owner, developer | exist (business.ts) |
 *
 * Outside a business: `GET /v1/business` (my memberships, exists), `POST /v1/invites/preview`
 * and `POST /v1/invites/accept` (InviteTokenBody, any signed-in person), and for the person
 * answering in their chat `GET`/`POST /v1/reveal-requests/:revealId` (RevealDecisionBody) and
 * `POST /v1/conversations/:conversationId/csat` (CsatBody), and `GET /v1/conversations/:conversationId/csat/:surveyId`
 * (CsatSurveyView: whether I rated it, so the card shows "You rated 4/5" after a reload or on another device).
 *
 * Live: a console opens the same WebSocket (/v1/ws) and sends `{"type":"inbox.join"}`; see ws.ts.
 * Canned responses, settings and invites are in console-settings.ts.
 */

const strict = { additionalProperties: false } as const;

/** Where a handed-over conversation stands: `open` (needs an answer), `pending` (waiting on the customer), `resolved`. */
export const inboxStatuses = ['open', 'pending', 'resolved'] as const;
export const InboxStatus = Type.Union(inboxStatuses.map((status) => Type.Literal(status)));
export type InboxStatus = Static<typeof InboxStatus>;

/** Whose conversations a list shows: the caller's, nobody's yet, or every one. */
export const InboxView = Type.Union([Type.Literal('mine'), Type.Literal('unassigned'), Type.Literal('all')]);
export type InboxView = Static<typeof InboxView>;

/** A member as the console names them (never their email to the person). */
export const InboxMember = Type.Object(
  { memberId: Id, displayName: Type.String() },
  { examples: [{ memberId: '0b7c1f2e-5a4d-4e3f-8a9b-1c2d3e4f5a6b', displayName: 'Ana' }] },
);
export type InboxMember = Static<typeof InboxMember>;

/** One conversation in the inbox, as a list row and as the `inbox` WebSocket frame carries it. */
export const InboxConversation = Type.Object(
  {
    conversationId: Id,
    businessId: Id,
    /** How the bank names the person; Parley never shows an agent the person's name or email. */
    bsid: Bsid,
    status: InboxStatus,
    assignee: Type.Union([InboxMember, Type.Null()]),
    /** Who owns the thread now: `inbox` while agents answer, `bot` once resolved or given back. */
    owner: Type.Union([Type.Literal('bot'), Type.Literal('inbox')]),
    /** Messages from the person above the calling agent's read position. */
    unread: Type.Integer({ minimum: 0 }),
    lastSeq: Seq,
    /** The calling agent's read position in this conversation. */
    readSeq: Seq,
    lastMessage: Type.Union([Message, Type.Null()]),
    /** When the bot passed (or an agent took) the thread: the clock first-response time runs from. */
    handedOverAt: Timestamp,
    /** The note the bot left when passing the thread (handover `metadata`), if any. */
    handoverNote: Type.Union([Type.String(), Type.Null()]),
    firstResponseAt: Type.Union([Timestamp, Type.Null()]),
    resolvedAt: Type.Union([Timestamp, Type.Null()]),
    updatedAt: Timestamp,
  },
  {
    examples: [
      {
        conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c',
        businessId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        bsid: 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE',
        status: 'open',
        assignee: { memberId: '0b7c1f2e-5a4d-4e3f-8a9b-1c2d3e4f5a6b', displayName: 'Ana' },
        owner: 'inbox',
        unread: 2,
        lastSeq: 14,
        readSeq: 12,
        lastMessage: null,
        handedOverAt: 1795000000000,
        handoverNote: 'Card dispute: the person asked for an agent.',
        firstResponseAt: null,
        resolvedAt: null,
        updatedAt: 1795000030000,
      },
    ],
  },
);
export type InboxConversation = Static<typeof InboxConversation>;

export const InboxParams = Type.Object({ businessId: Id, conversationId: Id });
export type InboxParams = Static<typeof InboxParams>;

/**
 * `GET /inbox`: newest activity first (ties in `updatedAt` by `conversationId`). The next page:
 * `before` = the `updatedAt` and `beforeId` = the `conversationId` of the last row of the previous
 * page (`before` alone skips rows that share that millisecond; kept for older clients).
 */
export const InboxQuery = Type.Object(
  {
    status: Type.Optional(InboxStatus),
    view: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('unassigned'), Type.Literal('all')], { default: 'all' })),
    /** Exact BSID, or its start (at least 6 characters: `bsid_q`). */
    bsid: Type.Optional(Type.String({ minLength: 6, maxLength: 64, pattern: '^bsid_[A-Za-z0-9_-]*$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(Timestamp),
    /** With `before` only: the last row's conversationId, so rows changed in the same millisecond are not skipped. */
    beforeId: Type.Optional(Id),
  },
  strict,
);
export type InboxQuery = Static<typeof InboxQuery>;
export const InboxList = Type.Object({ conversations: Type.Array(InboxConversation), hasMore: Type.Boolean() });
export type InboxList = Static<typeof InboxList>;

/** A member who can work the inbox, for the transfer menu; `online` = a console socket is open. */
export const InboxAgent = Type.Object({
  memberId: Id,
  displayName: Type.String(),
  role: BusinessRole,
  online: Type.Boolean(),
  /** Conversations assigned to them that are not resolved. */
  assigned: Type.Integer({ minimum: 0 }),
});
export type InboxAgent = Static<typeof InboxAgent>;
export const InboxAgentList = Type.Object({ agents: Type.Array(InboxAgent) });
export type InboxAgentList = Static<typeof InboxAgentList>;

/** What an agent may send: text, or text with quick replies. Stored with sender `business` and `agent` set. */
export const AgentContent = Type.Union([TextContent, QuickRepliesContent]);
export type AgentContent = Static<typeof AgentContent>;
/** An agent's reply over HTTP; the clientId makes a resend store nothing new. */
export const AgentReplyBody = Type.Object(
  { clientId: ClientId, content: AgentContent },
  { ...strict, examples: [{ clientId: 'c_01JD3Y5C9Q8WZK2QX7', content: { contentType: 'text', text: 'I have locked the card; a new one is on its way.' } }] },
);
export type AgentReplyBody = Static<typeof AgentReplyBody>;
export const AgentReplyAck = Type.Object({ message: Message });
export type AgentReplyAck = Static<typeof AgentReplyAck>;

/** Assign to a member who works the inbox (agent or owner), or `null` to unassign. */
export const AssignBody = Type.Object({ memberId: Type.Union([Id, Type.Null()]) }, { ...strict, examples: [{ memberId: '0b7c1f2e-5a4d-4e3f-8a9b-1c2d3e4f5a6b' }, { memberId: null }] });
export type AssignBody = Static<typeof AssignBody>;
/** Mark a conversation open or pending (waiting on the customer); resolving has its own route. A person's message makes a pending one open again. */
export const SetInboxStatusBody = Type.Object({ status: Type.Union([Type.Literal('open'), Type.Literal('pending')]) }, { ...strict, examples: [{ status: 'pending' }] });
export type SetInboxStatusBody = Static<typeof SetInboxStatusBody>;
export const ReturnToBotBody = Type.Object({ metadata: Type.Optional(Type.String({ maxLength: 1000 })) }, { ...strict, examples: [{ metadata: 'Card replaced; the bot can take it from here.' }] });
export type ReturnToBotBody = Static<typeof ReturnToBotBody>;
/** The agent's read position (raised only). */
export const AgentReadBody = Type.Object({ seq: Seq }, { ...strict, examples: [{ seq: 14 }] });
export type AgentReadBody = Static<typeof AgentReadBody>;
/** Relayed to the person's sockets as `typing` from `business`; nothing is stored. */
export const AgentTypingBody = Type.Object({ state: Type.Union([Type.Literal('start'), Type.Literal('stop')]) }, { ...strict, examples: [{ state: 'start' }] });
export type AgentTypingBody = Static<typeof AgentTypingBody>;

/** An internal note: seen by the business's members only — never the person, never a webhook, never an export. */
export const Note = Type.Object({ id: Id, conversationId: Id, author: InboxMember, text: Type.String(), createdAt: Timestamp });
export type Note = Static<typeof Note>;
export const NoteList = Type.Object({ notes: Type.Array(Note) });
export type NoteList = Static<typeof NoteList>;
export const CreateNoteBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { ...strict, examples: [{ text: 'Second dispute this month; check with fraud.' }] });
export type CreateNoteBody = Static<typeof CreateNoteBody>;

/**
 * The closed list of fields an agent may ask the person to reveal, one at a time:
 * `account_mask` — the last four digits of the person's accounts at this bank;
 * `balance` — the balance of their account(s) at this bank (of the one ending in `accountMask` if given);
 * `account_type` — what kind of account(s) they hold at this bank.
 */
export const revealFields = ['account_mask', 'balance', 'account_type'] as const;
export const RevealField = Type.Union(revealFields.map((field) => Type.Literal(field)));
export type RevealField = Static<typeof RevealField>;
export const RevealStatus = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('declined'), Type.Literal('failed')]);
export type RevealStatus = Static<typeof RevealStatus>;
/** A reveal request as the business sees it. `value` is set only once approved (and read through the gate). */
export const RevealRequest = Type.Object({
  id: Id,
  conversationId: Id,
  field: RevealField,
  accountMask: Type.Union([Type.String(), Type.Null()]),
  status: RevealStatus,
  requestedBy: InboxMember,
  /** What the person shared, as text (e.g. "Current account •••• 1234: 1234.56 EUR"); null unless approved. */
  value: Type.Union([Type.String(), Type.Null()]),
  /** Why a read failed (no active consent, bank down); null otherwise. */
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  decidedAt: Type.Union([Timestamp, Type.Null()]),
});
export type RevealRequest = Static<typeof RevealRequest>;
export const RevealRequestList = Type.Object({ reveals: Type.Array(RevealRequest) });
export type RevealRequestList = Static<typeof RevealRequestList>;
/** Ask the person for one field; they get a `reveal_request` message in their chat. */
export const CreateRevealBody = Type.Object(
  { field: RevealField, accountMask: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) },
  { ...strict, examples: [{ field: 'account_mask' }, { field: 'balance', accountMask: '1234' }] },
);
export type CreateRevealBody = Static<typeof CreateRevealBody>;
export const RevealParams = Type.Object({ revealId: Id });
/** The person's one tap. */
export const RevealDecisionBody = Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('decline')]) }, { ...strict, examples: [{ decision: 'approve' }] });
export type RevealDecisionBody = Static<typeof RevealDecisionBody>;
/** A reveal request as the person sees it (never the value: it is theirs already). */
export const PersonRevealView = Type.Object({ id: Id, conversationId: Id, field: RevealField, status: RevealStatus, decidedAt: Type.Union([Timestamp, Type.Null()]) });
export type PersonRevealView = Static<typeof PersonRevealView>;

/** The one-tap survey answer; `surveyId` comes from the `csat_survey` message. A second answer is 409 ERR_CONFLICT. */
export const CsatBody = Type.Object({ surveyId: Id, rating: Type.Integer({ minimum: 1, maximum: 5 }) }, { ...strict, examples: [{ surveyId: '7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908', rating: 5 }] });
export type CsatBody = Static<typeof CsatBody>;
export const CsatAnswer = Type.Object({ surveyId: Id, rating: Type.Integer({ minimum: 1, maximum: 5 }), answeredAt: Timestamp });
export type CsatAnswer = Static<typeof CsatAnswer>;
export const CsatSurveyParams = Type.Object({ conversationId: Id, surveyId: Id });
export type CsatSurveyParams = Static<typeof CsatSurveyParams>;
/** A survey as the person's card reads it: `rating` and `answeredAt` are null until they rate it. */
export const CsatSurveyView = Type.Object({
  surveyId: Id,
  rating: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()]),
  answeredAt: Type.Union([Timestamp, Type.Null()]),
});
export type CsatSurveyView = Static<typeof CsatSurveyView>;

/**
 * What the agent may know of the customer: the BSID, what this conversation already showed them
 * (from the bank's bot or agents), the data categories the person's link with THIS bank covers,
 * and the reveals of this conversation. Nothing of other banks; no name, no email.
 */
export const CustomerContext = Type.Object({
  bsid: Bsid,
  consents: Type.Array(Type.Object({ categories: Type.Array(DataCategory), status: Type.String(), expiresAt: Timestamp })),
  /** Content types the business already sent in this conversation (e.g. `template.balance`), with the last seq of each. */
  shared: Type.Array(Type.Object({ contentType: Type.String(), seq: Seq })),
  reveals: Type.Array(RevealRequest),
});
export type CustomerContext = Static<typeof CustomerContext>;
export const InboxConversationView = Type.Object({ conversation: InboxConversation, context: CustomerContext, notes: Type.Array(Note) });
export type InboxConversationView = Static<typeof InboxConversationView>;

/** `from`/`to` in ms since the epoch (default: the last 30 days); days are UTC. Medians in ms, null with no sample. */
export const InboxStatsQuery = Type.Object({ from: Type.Optional(Timestamp), to: Type.Optional(Timestamp) }, strict);
export type InboxStatsQuery = Static<typeof InboxStatsQuery>;
export const InboxFigures = Type.Object({
  /** Conversations resolved (or given back) in the period. */
  handled: Type.Integer({ minimum: 0 }),
  medianFirstResponseMs: Type.Union([Type.Integer(), Type.Null()]),
  medianResolutionMs: Type.Union([Type.Integer(), Type.Null()]),
  /** Average rating to two decimals, as a number (not money); null with no answer. */
  csatAverage: Type.Union([Type.Number(), Type.Null()]),
  csatCount: Type.Integer({ minimum: 0 }),
});
export type InboxFigures = Static<typeof InboxFigures>;
export const InboxStats = Type.Object({
  from: Timestamp,
  to: Timestamp,
  overall: InboxFigures,
  perAgent: Type.Array(Type.Composite([InboxMember, InboxFigures])),
  perDay: Type.Array(Type.Composite([Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }), InboxFigures])),
});
export type InboxStats = Static<typeof InboxStats>;
