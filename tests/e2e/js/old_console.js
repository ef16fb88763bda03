// The old web console's flows (issue 24), written the way its app.js speaks: the official
// socket.io client (connect, then `authenticate {token}`, listening on reply events) and fetch.
// Input (env): CHAT_URL, ALICE_TOKEN, BOB_TOKEN, CAROL_TOKEN, BOB_ID, CAROL_ID.
// Output: one JSON line with what was observed; exit code 0 when every step passed.
"use strict";
const { io } = require("socket.io-client");

const { CHAT_URL, ALICE_TOKEN, BOB_TOKEN, CAROL_TOKEN, BOB_ID, CAROL_ID } = process.env;
const TIMEOUT_MS = 10000;
const seen = {};

function open() {
  const socket = io(CHAT_URL, { transports: ["websocket"], reconnection: false });
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

function ask(socket, event, data) {
  return socket.timeout(TIMEOUT_MS).emitWithAck(event, data);
}

// The console's login: a socket without token, then `authenticate`; it waits for
// `authenticated`, and the conversation list comes unasked right after.
async function login(token) {
  const socket = await open();
  const authenticated = next(socket, "authenticated");
  const loaded = next(socket, "conversationsLoaded");
  socket.emit("authenticate", { token });
  return { socket, authenticated: await authenticated, loaded: await loaded };
}

async function http(path, token) {
  const response = await fetch(`${CHAT_URL}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

async function firstPrivateMessage(alice, bob) {
  // the console's form: a client-made 24-hex id with the receiver of a new private chat
  const madeUp = [...Array(24)].map(() => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("");
  const arrived = next(bob, "newMessage");
  const sent = next(alice, "message_sent");
  const ack = await ask(alice, "sendMessage", {
    conversationId: madeUp, receiverId: BOB_ID, content: "Premier message", type: "TEXT",
  });
  const message = await arrived;
  seen.firstMessage = {
    success: ack.success, adopted: ack.conversationId === madeUp,
    ackConversation: ack.conversationId, sentConversation: (await sent).conversationId,
    bobConversation: message.conversationId, content: message.content,
  };
  return { conversationId: ack.conversationId, messageId: ack.messageId };
}

async function lists(alice, conversationId) {
  const { status, body } = await http("/conversations?page=1&limit=20", ALICE_TOKEN);
  const conv = body.data.conversations[0];
  seen.http = {
    status, underscoreId: conv._id === conversationId,
    metadata: { userId: body.metadata.userId, currentPage: body.metadata.pagination.currentPage,
                hasProcessingTime: typeof body.metadata.processingTime === "number" },
    oldPagination: body.data.pagination.totalCount,
  };
  const quick = next(alice, "conversations:quick");
  await ask(alice, "conversations:quickload", { limit: 10 });
  const q = await quick;
  seen.quick = {
    ids: q.conversations.map((c) => c._id), totalCount: q.pagination.totalCount,
    stats: q.stats, categories: Object.keys(q.categorized).sort(),
  };
}

async function errorsAndUnknown(alice, bob, messageId) {
  const editRefused = next(bob, "message:error");
  await ask(bob, "editMessage", { messageId, newContent: "pas le mien" });
  const groupRefused = next(alice, "group:error");
  await ask(alice, "createGroup", { name: "", members: [BOB_ID] });
  const broadcastRefused = next(alice, "broadcast:error");
  await ask(alice, "createBroadcast", { name: "Annonces", recipients: [] });
  const unknown = next(alice, "error", (e) => e.event === "deleteEverything");
  alice.emit("deleteEverything", {});
  seen.errors = {
    edit: (await editRefused).code, group: (await groupRefused).code,
    broadcast: (await broadcastRefused).code, unknown: (await unknown).code,
  };
}

async function groupsAndPresence(alice, bob) {
  const created = next(alice, "group:created");
  await ask(alice, "createGroup", { name: "Équipe", members: [BOB_ID] });
  const group = (await created).group;
  const added = await ask(alice, "addParticipant", { conversationId: group._id, participantId: [CAROL_ID, BOB_ID] });
  seen.participants = { added: added.participantIds, failed: added.failed.map((f) => [f.participantId, f.code, Boolean(f.error)]) };
  const online = next(alice, "onlineUsers");
  await ask(alice, "getOnlineUsers", {});
  const answer = await online;
  seen.online = { users: answer.users.map((u) => u.userId).sort(), contacts: answer.contacts.map((u) => u.userId).sort() };
  const connected = next(alice, "user_connected", (e) => e.userId === CAROL_ID);
  const carol = (await login(CAROL_TOKEN)).socket;
  const hello = await connected;
  const disconnected = next(alice, "user_disconnected", (e) => e.userId === CAROL_ID);
  carol.disconnect();
  const bye = await disconnected;
  seen.presence = { connected: [hello.userId, Boolean(hello.timestamp)], disconnected: [bye.userId, Boolean(bye.timestamp)] };
}

async function receipts(bob, messageId) {
  const delivered = next(bob, "messageDelivered");
  await ask(bob, "markMessageDelivered", { messageId });
  const read = next(bob, "messageRead");
  await ask(bob, "markMessageRead", { messageId });
  seen.receipts = [(await delivered).status, (await read).status];
}

async function main() {
  const bobLogin = await login(BOB_TOKEN);
  const aliceLogin = await login(ALICE_TOKEN);
  const { socket: alice } = aliceLogin;
  const bob = bobLogin.socket;
  seen.login = { userId: aliceLogin.authenticated.userId, listed: aliceLogin.loaded.conversations.length,
                 hasStats: "stats" in aliceLogin.loaded };
  try {
    const { conversationId, messageId } = await firstPrivateMessage(alice, bob);
    await lists(alice, conversationId);
    await errorsAndUnknown(alice, bob, messageId);
    await groupsAndPresence(alice, bob);
    await receipts(bob, messageId);
    seen.conversationId = conversationId;
  } finally {
    alice.disconnect();
    bob.disconnect();
  }
  console.log(JSON.stringify(seen));
}

main().then(() => process.exit(0), (error) => {
  console.error(error.stack || error);
  console.log(JSON.stringify(seen));
  process.exit(1);
});
