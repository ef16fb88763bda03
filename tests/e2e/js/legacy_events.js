// The old clients' two-step loading and typing events, driven by the official socket.io client.
// Input (env): CHAT_URL, ALICE_TOKEN, BOB_TOKEN, BOB_ID.
// Output: one JSON line with what was observed; exit code 0 when every step passed.
"use strict";
const { io } = require("socket.io-client");

const { CHAT_URL, ALICE_TOKEN, BOB_TOKEN, BOB_ID } = process.env;
const TIMEOUT_MS = 10000;
const seen = {};

function connect(token) {
  const socket = io(CHAT_URL, { auth: { token }, transports: ["websocket"], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function next(socket, event, match = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const listener = (data) => {
      if (!match(data)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(data);
    };
    socket.on(event, listener);
  });
}

async function ask(socket, event, data) {
  const answer = await socket.timeout(TIMEOUT_MS).emitWithAck(event, data);
  if (!answer.success) throw new Error(`${event} refused: ${JSON.stringify(answer)}`);
  return answer;
}

async function loadInTwoSteps(alice, conversationId) {
  const quick = next(alice, "messages:quick");
  await ask(alice, "messages:quickload", { conversationId, limit: 2 });
  const first = await quick;
  const full = next(alice, "messages:full");
  await ask(alice, "messages:fullload", { conversationId, cursor: first.nextCursor, limit: 50 });
  const rest = await full;
  seen.messages = {
    quick: first.messages.map((m) => m.content), quickHasMore: first.hasMore,
    full: rest.messages.map((m) => m.content), fullHasMore: rest.hasMore, totalCount: rest.totalCount,
  };
  const conversationsQuick = next(alice, "conversations:quick");
  await ask(alice, "conversations:quickload", { limit: 10 });
  const conversationsFull = next(alice, "conversations:full");
  await ask(alice, "conversations:fullload", { page: 1, limit: 50 });
  seen.conversations = {
    quick: (await conversationsQuick).conversations.map((c) => c.id),
    full: (await conversationsFull).metadata.pagination.totalCount,
  };
}

async function typeThenStop(alice, bob, conversationId) {
  const started = next(bob, "typing:indicator", (e) => e.status === "start");
  const flutterStart = next(bob, "typing", (e) => e.isTyping === true);
  alice.emit("typing", { conversationId });
  const stopped = next(bob, "typing:indicator", (e) => e.status === "stop");
  const flutterStop = next(bob, "typing", (e) => e.isTyping === false);
  const indicator = await started;
  await flutterStart;
  alice.emit("typing", { conversationId, isTyping: false });
  await stopped;
  await flutterStop;
  seen.typing = { userId: indicator.userId, conversationId: indicator.conversationId };
}

async function main() {
  const alice = await connect(ALICE_TOKEN);
  const bob = await connect(BOB_TOKEN);
  try {
    let conversationId;
    for (const content of ["un", "deux", "trois"]) {
      const ack = await ask(alice, "sendMessage", { receiverId: BOB_ID, content, type: "TEXT" });
      conversationId = ack.result.conversationId;
    }
    seen.conversationId = conversationId;
    await loadInTwoSteps(alice, conversationId);
    await typeThenStop(alice, bob, conversationId);
  } finally {
    alice.close();
    bob.close();
  }
  console.log(JSON.stringify(seen));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.log(JSON.stringify({ ...seen, error: String(error && error.message) }));
    process.exit(1);
  },
);
