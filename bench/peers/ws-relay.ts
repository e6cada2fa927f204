import { WebSocketServer, type WebSocket } from 'ws';

// The peer Parley's gateway is measured against: a bare `ws` relay that forwards each frame, as
// received, to the other sockets of the same conversation (`/?conversation=<id>`). It
// authenticates nothing, validates nothing and persists nothing: the ceiling of a Node WebSocket
// fan-out on one core. Run: PORT=… node --expose-gc --import tsx bench/peers/ws-relay.ts

const port = Number(process.env.PORT ?? 0);
const conversations = new Map<string, Set<WebSocket>>();
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 16 * 1024 });

server.on('connection', (socket, request) => {
  const conversation = new URL(request.url ?? '/', 'http://relay').searchParams.get('conversation') ?? '';
  let members = conversations.get(conversation);
  if (!members) conversations.set(conversation, (members = new Set()));
  const room = members;
  room.add(socket);
  // `/?conversation=…&broadcast=1`: this socket's frames go to every socket (bench:fanout), one buffer for all.
  const everyone = new URL(request.url ?? '/', 'http://relay').searchParams.get('broadcast') === '1';
  socket.on('message', (data, isBinary) => {
    if (everyone) for (const other of server.clients) other.send(data, { binary: isBinary });
    else for (const other of room) if (other !== socket) other.send(data, { binary: isBinary });
  });
  socket.on('close', () => {
    room.delete(socket);
    if (room.size === 0) conversations.delete(conversation);
  });
  socket.on('error', () => socket.terminate());
});

server.on('listening', () => {
  const address = server.address();
  console.log(`relay listening on ${typeof address === 'object' && address ? address.port : String(address)}`);
});

// The bench asks for a full collection before reading VmRSS (the relay runs with --expose-gc).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
process.on('SIGTERM', () => server.close(() => process.exit(0)));
