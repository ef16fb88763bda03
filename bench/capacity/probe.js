// What holding sockets costs the official socket.io client (bench/capacity/client_cost.py).
// Input (env): PROBE_URL, PROBE_SOCKETS, PROBE_MESSAGES (broadcasts every socket will receive).
// Output: one JSON line before the first connection, one when every socket is connected, one
// when every delivery arrived:
// {phase, sockets, received, cpuMs, rssMb}. Sockets authenticate with {userId: "u<n>"}, the
// raw server's auth (bench/realtime.py raw_app), and connect 50 at a time.
"use strict";
const { io } = require("socket.io-client");

const url = process.env.PROBE_URL;
const count = Number(process.env.PROBE_SOCKETS);
const expected = count * Number(process.env.PROBE_MESSAGES);
const sockets = [];
let received = 0;

function report(phase) {
  const cpu = process.cpuUsage();
  const line = {
    phase,
    sockets: sockets.filter((s) => s.connected).length,
    received,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(line) + "\n");
}

function open(n) {
  const socket = io(url, {
    auth: { userId: `u${n}` }, transports: ["websocket"], reconnection: false, forceNew: true,
  });
  socket.on("newMessage", () => {
    received += 1;
    if (received === expected) {
      report("received");
      sockets.forEach((s) => s.close());
      process.exit(0);
    }
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

async function main() {
  report("started");
  for (let n = 0; n < count; n += 50) {
    const batch = [];
    for (let k = n; k < Math.min(count, n + 50); k += 1) batch.push(open(k));
    await Promise.all(batch);
  }
  report("connected");
}

main().catch((error) => {
  process.stderr.write(`${error && error.message}\n`);
  process.exit(1);
});
