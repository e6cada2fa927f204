import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

/** The sending end of one conversation; `close` ends both of its connections. */
export interface Link {
  send(id: string): void;
  close(): void;
}

/**
 * A messaging server under test, as the peer bench sees it: each conversation is a pair of
 * connections, a receiver (opened first) and a sender; `delivered(id)` is called when the
 * receiver gets message `id`. Parley and each peer implement this in its own protocol.
 */
export interface System {
  readonly name: string;
  pid(): number;
  openPair(pair: number, delivered: (id: string) => void): Promise<Link>;
  stop(): Promise<void>;
}

/** How to kill each child the bench started; all run on every way out (see runBench). */
export const children = new Set<() => void>();

/** Temp folders of the peers (configs, data), removed on every way out too. */
export const tempDirs = new Set<string>();

export function killChildren(): void {
  for (const kill of children) {
    try {
      kill();
    } catch {
      // Already gone.
    }
  }
  children.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A temp folder that killChildren removes. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Spawn a server pinned to core 0 and wait until `ready` matches its output (stdout or stderr), or `listens` accepts a connection. */
export async function spawnPinned(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; ready: RegExp | { listens: number }; timeoutMs?: number },
): Promise<ChildProcess> {
  const child = spawn('taskset', ['-c', '0', command, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = (): void => void child.kill('SIGKILL');
  children.add(kill);
  child.once('exit', () => children.delete(kill));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} not ready in time:\n${output.slice(-2000)}`)), options.timeoutMs ?? 20_000);
    const { ready } = options;
    const look = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-20_000);
      if (ready instanceof RegExp && ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    if (!(ready instanceof RegExp)) {
      const poll = (): void =>
        void canConnect(ready.listens).then((yes) => (yes ? (clearTimeout(timer), resolve()) : child.exitCode === null && setTimeout(poll, 100)));
      poll();
    }
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}):\n${output.slice(-2000)}`)));
  });
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** A WebSocket opened with the bench's options; resolves on open, or on the first frame when `greeted`. */
export function openSocket(url: string, headers: Record<string, string>, greeted: boolean): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers, perMessageDeflate: false, skipUTF8Validation: true });
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket to ${url} did not open in 20 s`)), 20_000);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused ${response.statusCode}`)));
    socket.once('close', () => reject(new Error(`socket to ${url} closed while opening`)));
    socket.once(greeted ? 'message' : 'open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

/** Read the id a frame carries after `marker` (up to the next quote) without parsing the whole frame. */
export function idAfter(text: string, marker: string): string | undefined {
  const at = text.indexOf(marker);
  if (at < 0) return undefined;
  const start = at + marker.length;
  const end = text.indexOf('"', start);
  return end < 0 ? undefined : text.slice(start, end);
}
