import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { Me } from '@parley/protocol';

// This file stays free of vitest imports: the benchmark in bench/ starts Parley with it too.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mainFile = path.join(repoRoot, 'packages/server/src/main.ts');

export interface ServerProcessOptions {
  /** SQLite folder (also where a key file would go); kept across restarts. */
  readonly dataDir: string;
  /** PostgreSQL database, or null for SQLite in `dataDir`. */
  readonly databaseUrl: string | null;
  /** Fixed port; a free one is picked when omitted and kept across restarts. */
  readonly port?: number;
  /** Run node under this command, e.g. ['taskset', '-c', '0']. */
  readonly wrap?: readonly string[];
  /** Extra node flags before `--import tsx`, e.g. ['--expose-gc']. */
  readonly nodeFlags?: readonly string[];
  /** Modules imported after tsx and before main.ts (absolute paths). */
  readonly preload?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for /readyz; argon2 and migrations on a busy 2-core box can be slow. */
  readonly readyTimeoutMs?: number;
}

/** Parley as a real child process: a crash is a real SIGKILL, a restart a real cold start on the same data. */
export interface ServerProcess {
  readonly port: number;
  /** http://localhost:PORT, also the PUBLIC_URL the server was started with. */
  readonly baseUrl: string;
  readonly wsUrl: string;
  pid(): number;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Start again on the same store and port; waits for /readyz. */
  restart(): Promise<void>;
  /** SIGTERM (a clean shutdown), then SIGKILL if it lingers. */
  stop(): Promise<void>;
  /** What the server printed on stderr/stdout (the tail), for failure messages. */
  output(): string;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitReady(baseUrl: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Parley exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`Parley was not ready within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Start `node --import tsx packages/server/src/main.ts` on the given store and wait for /readyz.
 *
 * @example
 * const store = await freshStore('sqlite');
 * const server = await startServerProcess(store);
 * await server.kill();
 * await server.restart();
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freeLoopbackPort());
  const baseUrl = `http://localhost:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  // Vitest's worker variables would make a child think it is inside a test run.
  for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];

  let child: ChildProcess | undefined;
  let log = '';
  const output = (): string => log.slice(-4000);

  const start = async (): Promise<void> => {
    const preload = (options.preload ?? []).flatMap((file) => ['--import', file]);
    const argv = [...(options.nodeFlags ?? []), '--import', 'tsx', ...preload, mainFile];
    const [command, ...args] = options.wrap?.length ? [...options.wrap, process.execPath, ...argv] : [process.execPath, ...argv];
    const started = spawn(command as string, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      log = (log + chunk.toString()).slice(-20_000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    child = started;
    await waitReady(baseUrl, started, options.readyTimeoutMs ?? 30_000, output);
  };

  const current = (): ChildProcess => {
    if (!child) throw new Error('Parley is not started');
    return child;
  };

  await start();
  return {
    port,
    baseUrl,
    wsUrl: `ws://localhost:${port}/v1/ws`,
    pid: () => current().pid ?? -1,
    async kill() {
      const running = current();
      running.kill('SIGKILL');
      await exited(running);
    },
    async restart() {
      const running = current();
      if (running.exitCode === null && running.signalCode === null) throw new Error('restart() needs a stopped server; kill() it first');
      await start();
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
      await exited(running);
      clearTimeout(timer);
    },
    output,
  };
}

/** A person signed up over real HTTP: what a client of a server process holds. */
export interface RemotePerson {
  readonly me: Me;
  /** `parley_session=<token>` */
  readonly cookie: string;
  readonly csrfToken: string;
}

let signUps = 0;

export async function signUpOverHttp(baseUrl: string, displayName = `Person ${++signUps}`): Promise<RemotePerson> {
  const email = `proc${process.pid}-${Date.now()}-${++signUps}@example.com`;
  const response = await fetch(`${baseUrl}/v1/auth/password/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple', displayName }),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const me = (await response.json()) as Me;
  return { me, cookie, csrfToken: me.csrfToken };
}

/** A JSON request as the person: cookie, CSRF token and the server's own Origin. */
export async function requestAs<T>(
  baseUrl: string,
  person: Pick<RemotePerson, 'cookie' | 'csrfToken'>,
  options: { method?: string; path: string; body?: unknown },
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${options.path}`, {
    method: options.method ?? 'GET',
    headers: {
      cookie: person.cookie,
      'x-csrf-token': person.csrfToken,
      origin: new URL(baseUrl).origin,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Open an authenticated socket (session cookie + Origin) and resolve once it is open. */
export async function openPersonSocket(wsUrl: string, cookie: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, {
    headers: { cookie, origin: new URL(wsUrl.replace(/^ws/, 'http')).origin },
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`WebSocket upgrade refused: ${response.statusCode}`)),
    );
  });
  return socket;
}
