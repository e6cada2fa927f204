/**
 * @parley/protocol — the wire contract shared by the server, the web app, the SDK and the
 * Sandbox Bank: TypeBox schemas (which are JSON Schema) and the types inferred from them.
 * It imports nothing of ours and nothing of Node or the DOM.
 */
export * from './errors';
export * from './schema';
export * from './content';
export * from './identity';
export * from './messaging';
export * from './ws';
export * from './business';
export * from './webhooks';
export * from './handover';
export * from './send';
export * from './menu';
export * from './messenger';
export * from './privacy';
export * from './banking';
export * from './account';
export * from './push';
export * from './step-up';
export * from './alerts';
export * from './notices';
export * from './inbox';
export * from './console-settings';
export * from './ids';
