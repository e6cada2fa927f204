/** Identity: people, passkeys, passwords, sessions, step-up. Other domains import only from here. */
export { requirePerson, principalOf, checkOrigin } from './auth.hooks';
export { authenticateToken, authenticateSessionId, keepSessionsAlive, endAllSessions, type Principal } from './session.service';
export { authenticateWsTicket } from './ws-ticket.service';
export { readSessionCookie, clearSessionCookie } from './session.cookie';
export { identityRoutes } from './identity.routes';
export { completeStepUp, provideStepUpSigner, type CompleteStepUpInput, type StepUpSigner } from './step-up.service';
