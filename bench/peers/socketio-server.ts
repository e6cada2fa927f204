import { createServer } from 'node:http';
import { Server } from 'socket.io';

// The Socket.IO peer: a chat server the usual way (rooms, `socket.to(room).emit`), websocket
// transport only, no polling, no compression. Each socket joins the room named by its
// `conversation` query; a `send` event goes to the room's other sockets as `message`.
// Run: PORT=… node --expose-gc --import tsx bench/peers/socketio-server.ts

const port = Number(process.env.PORT ?? 0);
const io = new Server({ transports: ['websocket'], perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 16 * 1024 });

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.conversation ?? '');
  void socket.join(room);
  socket.on('send', (id: unknown, text: unknown) => {
    socket.to(room).emit('message', id, text);
  });
  // bench:fanout: one notice to every connected socket.
  socket.on('broadcast', (id: unknown, text: unknown) => {
    io.emit('message', id, text);
  });
});

const http = createServer();
io.attach(http);
http.listen(port, '127.0.0.1', () => console.log(`socket.io listening on ${port}`));

// The bench asks for a full collection before reading VmRSS (the server runs with --expose-gc).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
process.on('SIGTERM', () => io.close(() => process.exit(0)));
