// Reference server for tools/bench-socketio.sh: the official socket.io package with the same
// events as tools/Concord.SocketIO.BenchHost. Run with --expose-gc so /bench/memory can collect first.
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 3000);
const server = http.createServer((req, res) => {
  if (req.url === '/bench/memory') {
    if (global.gc) { global.gc(); global.gc(); }
    const m = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ heapBytes: m.heapUsed + m.external, rssBytes: m.rss, connections: io.engine.clientsCount }));
    return;
  }
  res.writeHead(404);
  res.end();
});
const io = new Server(server, { serveClient: false });

io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.join(room);
    if (typeof ack === 'function') ack(true);
  });
  // encode-once broadcast to the whole room, sender included; acked, as the load tool emits with an ack like emitWithAck
  socket.on('bcast', (m, ack) => {
    io.to(m.room).emit('msg', m.payload);
    if (typeof ack === 'function') ack(true);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
