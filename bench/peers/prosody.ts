import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freeLoopbackPort } from '../../packages/server/test/server-process';
import { spawnPinned, stopChild, tempDir, type System } from './system';

// Prosody (Debian `prosody`), client-to-server only, no TLS, on a high loopback port with a temp
// config and data folder. Accounts are written straight into its internal file store
// (`internal_plain`: the password is compared as stored, so logging 5,000 sockets in measures
// messaging, not PBKDF2). With `archive`, mod_mam stores every chat message in both parties'
// archives (internal storage, files), which is what Parley's persistence is compared with.
// The client is a minimal raw-socket XMPP client: stream, SASL PLAIN, bind, then <message/>.

const password = 'bench-password';
const stream = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

function config(dir: string, port: number, archive: boolean): string {
  const modules = ['saslauth', 'disco', 'ping', ...(archive ? ['mam'] : [])];
  return `
daemonize = false
run_as_root = true
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
plugin_paths = {}
network_backend = "epoll"
modules_enabled = { ${modules.map((m) => `"${m}"`).join(', ')} }
modules_disabled = { "s2s", "offline", "tls" }
c2s_ports = { ${port} }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = {}
http_ports = {}
https_ports = {}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
storage = "internal"
default_archive_policy = true
archive_expires_after = "1d"
log = { { levels = { min = "warn" }, to = "console" } }
VirtualHost "localhost"
`;
}

/** Accounts a0…a{n-1}, b0…b{n-1} in Prosody's internal store (data/<host>/accounts/<user>.dat). */
function writeAccounts(dir: string, pairs: number): void {
  const accounts = path.join(dir, 'data', 'localhost', 'accounts');
  fs.mkdirSync(accounts, { recursive: true });
  const body = `return {\n\t["password"] = "${password}";\n};\n`;
  for (let i = 0; i < pairs; i++) for (const side of ['a', 'b']) fs.writeFileSync(path.join(accounts, `${side}${i}.dat`), body);
}

/** Read from `socket` until the buffer holds `marker`; returns what came after it. */
function until(socket: net.Socket, state: { buffer: string }, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const at = state.buffer.indexOf(marker);
      if (at < 0) return false;
      state.buffer = state.buffer.slice(at + marker.length);
      return true;
    };
    if (check()) return resolve();
    const timer = setTimeout(() => (socket.off('data', onData), reject(new Error(`xmpp: no ${marker} in 20 s: ${state.buffer.slice(0, 300)}`))), 20_000);
    const onData = (chunk: Buffer): void => {
      state.buffer += chunk.toString('utf8');
      if (state.buffer.includes('<failure') || state.buffer.includes('<stream:error')) {
        clearTimeout(timer);
        socket.off('data', onData);
        reject(new Error(`xmpp: ${state.buffer.slice(0, 300)}`));
      } else if (check()) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
}

/** Log `user` in with resource `r`: stream, SASL PLAIN, stream restart, bind. */
async function login(port: number, user: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('error', reject)));
  const state = { buffer: '' };
  socket.write(stream);
  await until(socket, state, '</stream:features>');
  const plain = Buffer.from(`\0${user}\0${password}`).toString('base64');
  socket.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`);
  await until(socket, state, '<success');
  socket.write(stream);
  await until(socket, state, '</stream:features>');
  socket.write("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>");
  await until(socket, state, '</iq>');
  return socket;
}

/** Calls `delivered` with the id of every whole <message/> that arrives (ids are m<digits>). */
function receiveMessages(socket: net.Socket, delivered: (id: string) => void): void {
  let buffer = '';
  const idPattern = / id=['"](m\d+)['"]/;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let end = buffer.indexOf('</message>'); end >= 0; end = buffer.indexOf('</message>')) {
      const id = idPattern.exec(buffer.slice(0, end))?.[1];
      if (id) delivered(id);
      buffer = buffer.slice(end + 10);
    }
  });
}

export async function startProsody(options: { pairs: number; archive: boolean }): Promise<System> {
  const dir = tempDir('parley-bench-prosody-');
  const port = await freeLoopbackPort();
  writeAccounts(dir, options.pairs);
  const configFile = path.join(dir, 'prosody.cfg.lua');
  fs.writeFileSync(configFile, config(dir, port, options.archive));
  const running = await spawnPinned('prosody', ['--config', configFile], { ready: { listens: port } }).catch((error: unknown) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    name: options.archive ? 'Prosody + MAM' : 'Prosody',
    pid: () => running.pid ?? -1,
    async stop() {
      await stopChild(running);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async openPair(pair, delivered) {
      const receiver = await login(port, `b${pair}`);
      receiveMessages(receiver, delivered);
      const sender = await login(port, `a${pair}`);
      sender.on('data', () => {});
      const head = `<message type='chat' to='b${pair}@localhost/r' id='`;
      const tail = "'><body>Hello from the bench: what is my balance?</body></message>";
      return {
        send: (id) => void (sender.writable && sender.write(head + id + tail)),
        close: () => {
          sender.destroy();
          receiver.destroy();
        },
      };
    },
  };
}
