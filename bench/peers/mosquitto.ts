import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freeLoopbackPort } from '../../packages/server/test/server-process';
import { spawnPinned, stopChild, tempDir, type Link, type System } from './system';

// Mosquitto (Debian `mosquitto`) on a high loopback port with a temp config: anonymous, no
// persistence, QoS 1 both ways. Pair k: the receiver subscribes to `c/k` at QoS 1 and acks each
// PUBLISH with PUBACK; the sender publishes at QoS 1 (the broker answers PUBACK). The client is
// a minimal raw MQTT 3.1.1 client (CONNECT, SUBSCRIBE, PUBLISH, PUBACK): the load generator then
// costs about what it costs for the other systems.

const text = 'Hello from the bench: what is my balance?';

function config(port: number): string {
  return ['listener ' + port + ' 127.0.0.1', 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'max_inflight_messages 0', 'max_queued_messages 100000', ''].join('\n');
}

/** Remaining length, MQTT's variable-length integer. */
function remaining(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

const utf8 = (text: string): Buffer => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
};
const packet = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), remaining(body.length), body]);
const id16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);

/** Splits a byte stream into MQTT packets: calls `each(type, body)`. */
function packets(socket: net.Socket, each: (type: number, body: Buffer) => void): void {
  let buffer: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let at = 1;
      for (; at < buffer.length && at < 5; at++) {
        length += ((buffer[at] as number) & 0x7f) * multiplier;
        multiplier *= 128;
        if (((buffer[at] as number) & 0x80) === 0) break;
      }
      if (at >= buffer.length || buffer.length < at + 1 + length) return;
      each(buffer[0] as number, buffer.subarray(at + 1, at + 1 + length));
      buffer = buffer.subarray(at + 1 + length);
    }
  });
}

async function connectClient(port: number, clientId: string, onPacket: (type: number, body: Buffer, socket: net.Socket) => void): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('error', reject)));
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mqtt: no CONNACK in 20 s')), 20_000);
    packets(socket, (type, body) => {
      if (type >> 4 === 2 || type >> 4 === 9) {
        clearTimeout(timer);
        resolve();
      } else onPacket(type, body, socket);
    });
  });
  // CONNECT: protocol MQTT level 4, clean session, keep-alive 300 s.
  socket.write(packet(0x10, Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0x01, 0x2c]), utf8(clientId)])));
  await connected;
  return socket;
}

export async function startMosquitto(): Promise<System> {
  const dir = tempDir('parley-bench-mosquitto-');
  const port = await freeLoopbackPort();
  const configFile = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(configFile, config(port));
  const child = await spawnPinned('mosquitto', ['-c', configFile], { ready: { listens: port } }).catch((error: unknown) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  let nextId = 1;
  return {
    name: 'Mosquitto (QoS 1)',
    pid: () => child.pid ?? -1,
    async stop() {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async openPair(pair, delivered): Promise<Link> {
      const topic = `c/${pair}`;
      const receiver = await connectClient(port, `b${pair}-${nextId++}`, (type, body, socket) => {
        if (type >> 4 !== 3) return;
        const topicLength = body.readUInt16BE(0);
        const packetId = body.readUInt16BE(2 + topicLength);
        if ((type & 0x06) !== 0) socket.write(packet(0x40, id16(packetId)));
        const payload = body.toString('latin1', 4 + topicLength);
        delivered(payload.slice(0, payload.indexOf(' ')));
      });
      // SUBSCRIBE (packet id 1) to the pair's topic at QoS 1; the SUBACK ends connectClient's wait too.
      const subscribed = new Promise<void>((resolve) => receiver.once('data', () => resolve()));
      receiver.write(packet(0x82, Buffer.concat([id16(1), utf8(topic), Buffer.from([1])])));
      await subscribed;
      const sender = await connectClient(port, `a${pair}-${nextId++}`, () => {});
      let packetId = 0;
      const topicBytes = utf8(topic);
      return {
        send: (id) => {
          packetId = (packetId % 65_535) + 1;
          if (sender.writable) sender.write(packet(0x32, Buffer.concat([topicBytes, id16(packetId), Buffer.from(`${id} ${text}`)])));
        },
        close: () => {
          sender.destroy();
          receiver.destroy();
        },
      };
    },
  };
}
