// The realtime happy path driven by the official socket.io JavaScript client.
// Input (env): CHAT_URL, ALICE_TOKEN, BOB_TOKEN, BOB_ID, BAD_TOKEN.
// Output: one JSON line with what was observed; exit code 0 when every step passed.
"use strict";
const { io } = require("socket.io-client");

const { CHAT_URL, ALICE_TOKEN, BOB_TOKEN, BOB_ID, BAD_TOKEN } = process.env;
const TIMEOUT_MS = 10000;
const seen = {};

function connect(token) {
  const socket = io(CHAT_URL, { auth: { token }, transports: ["websocket"], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => reject(Object.assign(error, { socket })));
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

async function main() {
  try {
    await connect(BAD_TOKEN);
    throw new Error("a bad token was accepted");
  } catch (error) {
    if (!error.data) throw error;
    error.socket.close();
    seen.refused = error.data.code;
  }
  const alice = await connect(ALICE_TOKEN);
  const bob = await connect(BOB_TOKEN);
  try {
    const delivered = next(bob, "newMessage");
    const ack = await alice.timeout(TIMEOUT_MS).emitWithAck("sendMessage", {
      receiverId: BOB_ID, content: "Bonjour depuis JS", type: "TEXT", temporaryId: "js-1",
    });
    if (!ack.success) throw new Error(`send refused: ${JSON.stringify(ack)}`);
    seen.ack = { messageId: ack.messageId, temporaryId: ack.temporaryId };
    const message = await delivered;
    seen.newMessage = { messageId: message.messageId, content: message.content, senderId: message.senderId };

    const statusChanged = next(alice, "messageStatusChanged", (e) => e.status === "READ");
    const read = await bob.timeout(TIMEOUT_MS).emitWithAck("markMessageRead", {
      messageId: message.messageId, conversationId: message.conversationId,
    });
    if (!read.success) throw new Error(`read refused: ${JSON.stringify(read)}`);
    seen.status = (await statusChanged).status;

    const typing = next(bob, "userTyping");
    alice.emit("typing", { conversationId: message.conversationId });
    seen.typing = (await typing).conversationId === message.conversationId;

    const history = await bob.timeout(TIMEOUT_MS).emitWithAck("getMessages", {
      conversationId: message.conversationId,
    });
    seen.history = history.messages.map((m) => m.content);
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
