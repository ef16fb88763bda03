// One simulated user: one socket (the official socket.io client, WebSocket transport) and
// HTTP calls (http.js: keep-alive), driven by the action mix (mix.js).
//
// Actions: switch = newest page of another conversation + mark it read; scroll = the next
// older page; list = the conversation list; send = typing, a pause, sendMessage (acked),
// stopTyping; reaction = a reaction on a message of the page on screen; edit = editMessage on
// one of the user's own recent messages; reconnect = close the socket, open it again, then
// fetch what arrived meanwhile (the newer messages after the last one seen).
// Latency kinds: page (GET /messages, any direction), read, list, reaction (HTTP), send and
// edit (socket acks), connect (socket handshake), delivery (send → newMessage, ledger.js).
"use strict";

const { io } = require("socket.io-client");
const { request } = require("./http");

const EMOJIS = ["👍", "❤️", "😂", "🎉", "🙏"];
const WORDS = ("bonjour réunion rapport dossier demain ministère courrier validation "
  + "budget note service agents délai signature merci équipe planning direction").split(" ");

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sentence(random) {
  const words = [];
  const length = 4 + Math.floor(random() * 14);
  for (let n = 0; n < length; n += 1) words.push(WORDS[Math.floor(random() * WORDS.length)]);
  return words.join(" ");
}

class SimUser {
  constructor(agent, index, spec) {
    this.agent = agent;
    this.index = index;
    this.id = spec.id;
    this.token = spec.token;
    this.conversations = spec.conversations; // indices into agent.conversations
    this.active = false;
    this.socket = null;
    this.current = null; // conversation index on screen
    this.cursor = null; // nextCursor of the last page on screen
    this.onScreen = []; // message ids of that page (reactions pick one)
    this.lastSeenId = null; // newest message id seen in the current conversation
    this.own = []; // the user's own recent message ids (edits pick one)
    this.seq = 0;
    this.connecting = false;
  }

  get connected() {
    return this.socket !== null && this.socket.connected;
  }

  async start() {
    this.active = true;
    this.socket = io(this.agent.chatUrl, {
      auth: { token: this.token },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
    });
    this.socket.on("newMessage", (message) => this.onMessage(message));
    this.socket.on("disconnect", (reason) => this.onDisconnect(reason));
    for (const event of ["error", "session:revoked"]) {
      this.socket.on(event, (data) => this.agent.window.error(event, (data && data.code) || "UNKNOWN"));
    }
    if (await this.connect()) { // else connect() retries, and the loop waits for it
      await this.list();
      await this.switchConversation();
    }
    this.loop();
  }

  stop() {
    this.active = false;
    if (this.socket) this.socket.disconnect();
  }

  async loop() {
    let next = performance.now();
    while (this.active) {
      next += this.agent.mix.idleMs();
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (!this.active) return;
      const action = this.agent.mix.pick();
      if (!this.connected && action !== "reconnect") {
        this.agent.window.action(`${action}_skipped`); // offline: a retry is under way
        continue;
      }
      const done = await this.run(action);
      this.agent.window.action(done === false ? `${action}_skipped` : action);
    }
  }

  run(action) {
    switch (action) {
      case "switch": return this.switchConversation();
      case "scroll": return this.scroll();
      case "list": return this.list();
      case "send": return this.send();
      case "reaction": return this.react();
      case "edit": return this.edit();
      case "reconnect": return this.reconnect();
      default: throw new Error(`unknown action ${action}`);
    }
  }

  // --- socket -----------------------------------------------------------------------------

  connect() {
    if (this.connecting) return Promise.resolve(false);
    this.connecting = true;
    const started = performance.now();
    const socket = this.socket;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false, "TIMEOUT"), this.agent.timeouts.connectMs);
      const done = (ok, code) => {
        clearTimeout(timer);
        socket.off("connect", onConnect);
        socket.off("connect_error", onError);
        if (ok) this.agent.window.latency("connect", performance.now() - started);
        else this.agent.window.error("connect", code);
        resolve(ok);
      };
      const onConnect = () => done(true);
      const onError = (error) => done(false, (error.data && error.data.code) || "REFUSED");
      socket.once("connect", onConnect);
      socket.once("connect_error", onError);
      socket.connect();
    }).then((ok) => {
      this.connecting = false;
      if (!ok && this.active) {
        socket.disconnect();
        setTimeout(() => this.active && this.connect(), this.agent.timeouts.retryMs);
      }
      return ok;
    });
  }

  onDisconnect(reason) {
    this.agent.ledger.left(this.index, this.agent.window);
    if (!this.active || reason === "io client disconnect") return;
    this.agent.window.error("socket", `DISCONNECT ${reason}`);
    setTimeout(() => this.active && this.connect(), this.agent.timeouts.retryMs);
  }

  onMessage(message) {
    if (message.conversationId === this.agent.conversations[this.current]?.id) {
      this.lastSeenId = message.messageId;
      this.onScreen.unshift(message.messageId);
      this.onScreen.length = Math.min(this.onScreen.length, 50);
    }
    if (message.senderId === this.id) return; // the sender's own echo
    this.agent.ledger.received(message.temporaryId, this.index, this.agent.window);
  }

  async ack(kind, event, data) {
    const started = performance.now();
    try {
      const answer = await this.socket.timeout(this.agent.timeouts.ackMs).emitWithAck(event, data);
      this.agent.window.latency(kind, performance.now() - started);
      if (answer && answer.success) return answer;
      this.agent.window.error(kind, (answer && answer.code) || "REFUSED");
    } catch (error) {
      this.agent.window.error(kind, "ACK_TIMEOUT");
    }
    return null;
  }

  // --- HTTP -------------------------------------------------------------------------------

  async http(kind, method, path, body) {
    const started = performance.now();
    try {
      const answer = await request(this.agent.chatUrl + path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
        body,
        timeoutMs: this.agent.timeouts.httpMs,
      });
      this.agent.window.latency(kind, performance.now() - started);
      if (answer.status < 400) return answer.body;
      this.agent.window.error(kind, answer.body.code || `HTTP_${answer.status}`);
    } catch (error) {
      const code = error.code === "TIMEOUT" ? "TIMEOUT" : `NETWORK ${error.code || error.name}`;
      this.agent.window.error(kind, code);
    }
    return null;
  }

  // --- actions ----------------------------------------------------------------------------

  pickConversation() {
    const conversations = this.agent.conversations;
    const others = this.conversations.filter((c) => c !== this.current);
    const groups = others.filter((c) => conversations[c].kind === "GROUP");
    const privates = others.filter((c) => conversations[c].kind !== "GROUP");
    const random = this.agent.random;
    const pool = groups.length && (!privates.length || random() < this.agent.groupShare)
      ? groups : privates;
    return pool[Math.floor(random() * pool.length)];
  }

  async switchConversation() {
    const target = this.pickConversation();
    const id = this.agent.conversations[target].id;
    const page = await this.http("page", "GET", `/messages?conversationId=${id}&limit=50`);
    if (!page) return;
    this.current = target;
    this.showPage(page.data, true);
    await this.http("read", "PUT", `/conversations/${id}/read`, {});
  }

  showPage(data, newest) {
    const ids = data.messages.map((m) => m.id);
    this.cursor = data.hasMore ? data.nextCursor : null;
    this.onScreen = ids;
    if (newest && ids.length) this.lastSeenId = ids[0];
    if (this.own.length < 5) { // the user's messages in the history are theirs to edit too
      const mine = data.messages.filter((m) => m.senderId === this.id && !this.own.includes(m.id));
      this.own.push(...mine.slice(0, 5 - this.own.length).map((m) => m.id));
    }
  }

  async scroll() {
    if (this.current === null) return this.switchConversation();
    const id = this.agent.conversations[this.current].id;
    const older = this.cursor ? `&cursor=${encodeURIComponent(this.cursor)}` : "";
    const page = await this.http("page", "GET", `/messages?conversationId=${id}&limit=50${older}`);
    if (page) this.showPage(page.data, !older);
  }

  list() {
    return this.http("list", "GET", "/conversations?page=1&limit=20");
  }

  async send() {
    if (this.current === null) return false;
    const conversation = this.agent.conversations[this.current];
    const random = this.agent.random;
    this.socket.emit("typing", { conversationId: conversation.id });
    await sleep(this.agent.typingMs[0] + random() * (this.agent.typingMs[1] - this.agent.typingMs[0]));
    if (!this.connected) return false;
    this.seq += 1;
    const temporaryId = `${this.agent.id}-${this.index}-${this.seq}`;
    const recipients = conversation.members.filter(
      (m) => m !== this.index && this.agent.users[m].connected,
    );
    this.agent.ledger.sent(temporaryId, recipients);
    const answer = await this.ack("send", "sendMessage", {
      conversationId: conversation.id, type: "TEXT", temporaryId, content: sentence(random),
    });
    if (answer) {
      this.own.unshift(answer.messageId);
      this.own.length = Math.min(this.own.length, 5);
    } else {
      this.agent.ledger.refused(temporaryId);
    }
    if (this.connected) this.socket.emit("stopTyping", { conversationId: conversation.id });
  }

  react() {
    if (!this.onScreen.length) return false;
    const random = this.agent.random;
    const id = this.onScreen[Math.floor(random() * this.onScreen.length)];
    const emoji = EMOJIS[Math.floor(random() * EMOJIS.length)];
    return this.http("reaction", "POST", `/messages/${id}/reactions`, { emoji });
  }

  edit() {
    if (!this.own.length) return false; // nothing sent yet
    const random = this.agent.random;
    const messageId = this.own[Math.floor(random() * this.own.length)];
    return this.ack("edit", "editMessage", { messageId, newContent: `${sentence(random)} (modifié)` });
  }

  async reconnect() {
    if (this.socket.connected) this.socket.disconnect();
    if (!(await this.connect()) || this.current === null) return;
    const id = this.agent.conversations[this.current].id;
    const after = this.lastSeenId ? `&cursor=${this.lastSeenId}&direction=newer` : "";
    await this.http("page", "GET", `/messages?conversationId=${id}&limit=50${after}`);
  }
}

module.exports = { SimUser };
