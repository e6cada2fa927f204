/**
 * Fixtures for browser tests: a real Parley listening on loopback (SQLite in a temp folder,
 * serving the built web app) and Debian's Chromium driven by playwright-core.
 */
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { buildApp } from '../../server/src/app';
import { personTopic } from '../../server/src/messaging';
import { createInProcessBus, type Bus } from '../../server/src/platform/bus';
import { loadConfig } from '../../server/src/platform/config';
import { freePort } from '../../server/test/ports';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDistDir = path.resolve(here, '../dist');
export const screenshotDir = path.join(here, 'screenshots');

export interface RunningParley {
  readonly app: FastifyInstance;
  /** The server's own bus: tests publish on it what the bank side will send once it has an API for it. */
  readonly bus: Bus;
  /** http://localhost:PORT — `localhost`, not 127.0.0.1, or WebAuthn refuses the origin. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** `env`: more settings for Parley, e.g. PARLEY_ADMIN_TOKEN for tests that act as the operator. */
export async function startParley(options: { env?: Record<string, string> } = {}): Promise<RunningParley> {
  if (!fs.existsSync(path.join(webDistDir, 'index.html'))) {
    throw new Error(`The web app is not built (${webDistDir}); run npm run build:web first.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const config = loadConfig({ ...options.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: baseUrl }, { webDistDir });
  const bus = createInProcessBus();
  const app = await buildApp(config, { bus });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    bus,
    baseUrl,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/lib/chromium/chromium',
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * What Sandbox Bank does in a conversation: reply (through messaging's own append, as the Send
 * API will), and show that it is typing or has read up to a seq — frames the bank side will
 * publish once it has an API for them, put on the same bus the gateway delivers from.
 */
export function bankSide(parley: RunningParley, conversationId: string, personId: string) {
  return {
    reply: (text: string) => parley.app.messaging.append({ conversationId, sender: 'business', content: { contentType: 'text', text } }),
    typing: (state: 'start' | 'stop') =>
      parley.bus.publish(personTopic(personId), { frame: { type: 'typing', conversationId, sender: 'business', state } }),
    read: (seq: number) => parley.bus.publish(personTopic(personId), { frame: { type: 'read', conversationId, reader: 'business', seq } }),
  };
}

/** A platform authenticator that always says yes, for one page. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Cut the browser's live connection and refuse new ones until `restore()`: a network outage. */
export function interruptWebSockets(app: FastifyInstance): { restore(): void } {
  let cut = true;
  const refuse = (_request: unknown, socket: net.Socket): void => {
    if (cut) socket.destroy();
  };
  app.server.prependListener('upgrade', refuse);
  for (const client of app.websocketServer.clients) client.terminate();
  return {
    restore() {
      cut = false;
      app.server.off('upgrade', refuse);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Keep what every page of the context says (console errors, uncaught exceptions, failed requests), to print when a test fails. */
export function recordContext(context: BrowserContext): string[] {
  const log: string[] = [];
  let pages = 0;
  context.on('page', (page) => recordPage(page, `page ${++pages}`, log));
  return log;
}

function recordPage(page: Page, name: string, log: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log.push(`[${name}] console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.push(`[${name}] uncaught: ${error.stack ?? error.message}`));
  const started = Date.now();
  const at = (): string => `${((Date.now() - started) / 1000).toFixed(2)}s`;
  page.on('request', (request) => log.push(`[${name} ${at()}] -> ${request.method()} ${request.url()}`));
  page.on('requestfailed', (request) => log.push(`[${name} ${at()}] failed ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => log.push(`[${name} ${at()}] <- ${response.status()} ${response.request().method()} ${response.url()}`));
  page.on('websocket', (socket) => {
    log.push(`[${name}] websocket open ${socket.url()}`);
    socket.on('framereceived', (frame) => log.push(`[${name} ${at()}] ws <- ${String(frame.payload).slice(0, 200)}`));
    socket.on('framesent', (frame) => log.push(`[${name} ${at()}] ws -> ${String(frame.payload).slice(0, 200)}`));
    socket.on('close', () => log.push(`[${name}] websocket closed`));
  });
}
