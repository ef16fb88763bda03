// The old web console's file flows, written the way its app.js is: fetch with a FormData whose
// `conversationId` comes after the file, the "my files" list, and `deleteFile` over the socket.
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

function next(socket, event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    socket.once(event, (data) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

async function http(path, token, options = {}) {
  const response = await fetch(`${CHAT_URL}${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${token}`, ...(options.headers || {}) },
  });
  return { status: response.status, body: await response.json() };
}

async function uploadLikeTheConsole(token, name, text, conversationId) {
  const form = new FormData();
  form.append("file", new Blob([text], { type: "text/plain" }), name);
  form.append("conversationId", conversationId); // after the file, as the console's form does
  return http("/files/upload", token, { method: "POST", body: form });
}

async function main() {
  const opened = await http("/messages", ALICE_TOKEN, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ receiverId: BOB_ID, content: "Voici le compte rendu", type: "TEXT" }),
  });
  const conversationId = opened.body.data.conversationId;
  const shared = await uploadLikeTheConsole(ALICE_TOKEN, "cr.txt", "Compte rendu\n", conversationId);
  seen.upload = { status: shared.status, conversationId: shared.body.data.conversationId };
  const fileId = shared.body.data.id;
  seen.bobReads = (await http(`/files/${fileId}`, BOB_TOKEN)).status;
  const intruder = await uploadLikeTheConsole(BOB_TOKEN, "x.txt", "x\n", "0".repeat(24));
  seen.refused = { status: intruder.status, code: intruder.body.code };

  const mine = await http("/files?limit=10", ALICE_TOKEN);
  seen.myFiles = mine.body.data.files.map((f) => f.id);
  seen.bobFiles = (await http("/files", BOB_TOKEN)).body.data.files.length;

  const alice = await connect(ALICE_TOKEN);
  const bob = await connect(BOB_TOKEN);
  try {
    const bobError = next(bob, "file:error");
    const bobAck = await bob.timeout(TIMEOUT_MS).emitWithAck("deleteFile", { fileId });
    seen.bobDelete = { ack: bobAck.code, event: (await bobError).code };
    const deleted = next(alice, "file:deleted");
    const ack = await alice.timeout(TIMEOUT_MS).emitWithAck("deleteFile", { fileId });
    seen.aliceDelete = { ack: ack.success, event: (await deleted).fileId === fileId };
    seen.afterDelete = (await http(`/files/${fileId}`, ALICE_TOKEN)).status;
  } finally {
    alice.close();
    bob.close();
  }
  seen.fileId = fileId;
  seen.conversationId = conversationId;
  console.log(JSON.stringify(seen));
}

main().catch((error) => {
  console.log(JSON.stringify({ ...seen, failure: String(error) }));
  process.exit(1);
});
