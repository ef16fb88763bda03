// ngomna chat web console: plain JS, no build step. Talks to auth_user for login and to
// chat_file over HTTP (Bearer token) and Socket.IO (auth: {token}).
"use strict";

const cfg = window.NGOMNA_CONFIG;
const $ = (id) => document.getElementById(id);
const state = { token: null, user: null, socket: null, conversations: [], current: null,
                online: new Set(), idle: new Set(), typingTimer: null, seen: new Set() };

const idOf = (x) => x.id || x._id || x.messageId || x.conversationId;
const { t } = window.i18n; // French as written here; English from the server's catalogue

async function api(path, options = {}) {
  const headers = i18n.headers({ Authorization: `Bearer ${state.token}`, ...(options.headers || {}) });
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch(cfg.chatUrl + path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || body.success === false) {
    throw new Error(body.message || t("Erreur %(status)s", { status: response.status }));
  }
  return body.data;
}

async function login(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const response = await fetch(`${cfg.authUrl}/login`, {
      method: "POST",
      headers: i18n.headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ matricule: $("matricule").value.trim(), password: $("password").value }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || t("Connexion refusée"));
    state.token = body.accessToken;
    state.user = body.user;
    $("password").value = "";
    $("me").textContent = `${body.user.prenom || ""} ${body.user.nom || ""} (${body.user.matricule})`;
    $("login-view").hidden = true;
    $("chat-view").hidden = false;
    connectSocket();
    await loadConversations();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
}

function connectSocket() {
  const socket = io(cfg.chatUrl, { auth: { token: state.token, locale: i18n.language() },
                                   transports: ["websocket", "polling"] });
  state.socket = socket;
  socket.on("connect", () => { setStatus(true); refreshPresence(); });
  socket.on("disconnect", () => setStatus(false));
  socket.on("connect_error", (error) => setStatus(false, error.message));
  socket.on("newMessage", onNewMessage);
  socket.on("conversation:created", loadConversations);
  socket.on("userTyping", (e) => showTyping(e, true));
  socket.on("userStoppedTyping", (e) => showTyping(e, false));
  socket.on("user_online", (e) => setPresence(e.userId, "online"));
  socket.on("user_idle", (e) => setPresence(e.userId, "idle"));
  socket.on("user_offline", (e) => setPresence(e.userId, "offline"));
  socket.on("message:edited", (e) => setContent(e.messageId, e.newContent));
  // deleteType "me" comes from one of my other devices: the message is gone for me only
  socket.on("message:deleted", (e) => (e.deleteType === "me" ? removeMessage(e.messageId)
                                                              : setContent(e.messageId, "")));
}

function ask(event, data) {
  // Socket request with an ack; null when the socket is down or the server refused.
  return new Promise((resolve) => {
    if (!state.socket || !state.socket.connected) return resolve(null);
    state.socket.timeout(10000).emit(event, data, (error, ack) =>
      resolve(!error && ack && ack.success ? ack : null));
  });
}

function setPresence(userId, status) {
  if (status === "offline") state.online.delete(userId); else state.online.add(userId);
  if (status === "idle") state.idle.add(userId); else state.idle.delete(userId);
  renderConversations();
}

function setStatus(online, why) {
  state.status = [online, why];
  $("status").dataset.state = online ? "online" : "offline";
  $("status").dataset.i18n = online ? "en ligne" : "hors ligne";
  $("status").textContent = online ? t("en ligne") : `${t("hors ligne")}${why ? " — " + why : ""}`;
}

async function loadConversations() {
  // Over the socket: a short first page to draw at once, then the full list.
  const quick = await ask("conversations:quickload", { limit: 10 });
  if (quick) {
    state.conversations = quick.conversations;
    renderConversations();
  }
  let data = quick && !quick.hasMore ? quick : await ask("conversations:fullload", { page: 1, limit: 50 });
  if (!data) data = await api("/conversations?limit=50"); // socket not connected yet
  state.conversations = data.conversations || [];
  renderConversations();
  refreshPresence();
}

function refreshPresence() {
  // Who of my contacts is online now; user_online/user_offline keep it current afterwards.
  if (!state.socket || !state.socket.connected) return;
  state.socket.emit("getOnlineUsers", {}, (ack) => {
    if (!ack || ack.success === false) return;
    state.online = new Set(ack.online);
    state.idle = new Set((ack.users || []).filter((u) => u.status === "idle").map((u) => u.userId));
    renderConversations();
  });
}

function others(conversation) {
  return (conversation.participants || []).filter((p) => (p.userId || p.id) !== state.user.id);
}

function titleOf(conversation) {
  if (conversation.name) return conversation.name;
  return others(conversation).map((p) => p.name || p.userId).join(", ") || t("Conversation");
}

function renderConversations() {
  const list = $("conversations");
  list.replaceChildren();
  for (const conversation of state.conversations) {
    const item = document.createElement("li");
    const ids = others(conversation).map((p) => p.userId || p.id);
    const online = ids.some((id) => state.online.has(id) && !state.idle.has(id));
    const idle = !online && ids.some((id) => state.idle.has(id));
    item.dataset.id = idOf(conversation);
    item.className = state.current === idOf(conversation) ? "active" : "";
    const dot = document.createElement("span");
    dot.className = `presence${online ? " online" : idle ? " idle" : ""}`;
    const label = document.createElement("span");
    label.append(dot, titleOf(conversation));
    item.append(label);
    if (conversation.unreadCount) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = conversation.unreadCount;
      item.append(badge);
    }
    item.addEventListener("click", () => openConversation(idOf(conversation)));
    list.append(item);
  }
}

async function openConversation(conversationId) {
  state.current = conversationId;
  const conversation = state.conversations.find((c) => idOf(c) === conversationId);
  $("conversation-title").textContent = conversation ? titleOf(conversation) : t("Conversation");
  delete $("conversation-title").dataset.i18n; // a name now, not a text to translate
  $("send-form").hidden = false;
  $("messages").replaceChildren();
  state.seen.clear();
  // The newest 20 over the socket first (drawn at once), then 30 older ones.
  const quick = await ask("messages:quickload", { conversationId, limit: 20 });
  const data = quick || await api(`/messages?conversationId=${encodeURIComponent(conversationId)}&limit=50`);
  if (state.current !== conversationId) return;
  for (const message of (data.messages || []).slice().reverse()) appendMessage(message);
  if (quick && quick.hasMore) {
    const older = await ask("messages:fullload", { conversationId, cursor: quick.nextCursor, limit: 30 });
    if (older && state.current === conversationId) {
      for (const message of older.messages) appendMessage(message, { prepend: true });
    }
  }
  await api(`/conversations/${conversationId}/read`, { method: "PUT" }).catch(() => {});
  if (conversation) conversation.unreadCount = 0;
  renderConversations();
}

function appendMessage(message, { prepend = false } = {}) {
  const id = idOf(message);
  if (state.seen.has(id)) return; // de-duplicate: ack and broadcast may both arrive
  state.seen.add(id);
  const item = document.createElement("li");
  item.dataset.id = id;
  item.className = message.senderId === state.user.id ? "mine" : "";
  const who = document.createElement("div");
  who.className = "who";
  who.textContent = message.senderName || message.senderId;
  const text = document.createElement("div");
  text.className = "content";
  text.textContent = message.content || "";
  item.append(who, text);
  const file = message.file || message.attachment;
  if (file) item.append(attachmentLink(file));
  if (prepend) {
    $("messages").prepend(item);
    return;
  }
  $("messages").append(item);
  item.scrollIntoView({ block: "end" });
}

function messageItem(messageId) {
  return [...$("messages").children].find((item) => item.dataset.id === messageId);
}

function setContent(messageId, content) {
  const item = messageItem(messageId);
  if (item) item.querySelector(".content").textContent = content || t("Message supprimé");
}

function removeMessage(messageId) {
  const item = messageItem(messageId);
  if (item) item.remove();
}

function attachmentLink(file) {
  const link = document.createElement("a");
  link.href = "#";
  link.className = "attachment";
  link.textContent = `📎 ${file.originalName || file.name || t("fichier")}`;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(`${cfg.chatUrl}/files/${idOf(file)}/download`,
                                 { headers: i18n.headers({ Authorization: `Bearer ${state.token}` }) });
    const url = URL.createObjectURL(await response.blob());
    window.open(url, "_blank");
  });
  return link;
}

function onNewMessage(message) {
  // A private chat makes its two people contacts once both have written: a first message from
  // someone not known online may be that moment, so ask again who is online.
  const sender = message.senderId;
  if (sender && sender !== state.user.id && !state.online.has(sender)) refreshPresence();
  if (message.conversationId === state.current) {
    appendMessage(message);
    state.socket.emit("markMessageRead", { messageId: idOf(message), conversationId: state.current });
  } else {
    const conversation = state.conversations.find((c) => idOf(c) === message.conversationId);
    if (conversation) conversation.unreadCount = (conversation.unreadCount || 0) + 1;
    else loadConversations();
    renderConversations();
  }
}

async function uploadFile(file) {
  const form = new FormData();
  form.append("conversationId", state.current); // before the file: the upload is streamed
  form.append("file", file);
  const response = await fetch(`${cfg.chatUrl}/files/upload`, {
    method: "POST", headers: i18n.headers({ Authorization: `Bearer ${state.token}` }), body: form });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || t("Échec de l'envoi du fichier"));
  return body.data;
}

function typeFor(mimeType) {
  if (mimeType.startsWith("image/")) return "IMAGE";
  if (mimeType.startsWith("audio/")) return "AUDIO";
  if (mimeType.startsWith("video/")) return "VIDEO";
  return "FILE";
}

async function send(event) {
  event.preventDefault();
  $("send-error").textContent = "";
  const content = $("message-input").value.trim();
  const file = $("file-input").files[0];
  if (!content && !file) return;
  const payload = { conversationId: state.current, content, type: "TEXT",
                    temporaryId: `tmp-${Date.now()}-${Math.random().toString(36).slice(2)}` };
  try {
    if (file) {
      const uploaded = await uploadFile(file);
      payload.fileId = idOf(uploaded);
      payload.type = typeFor(uploaded.mimeType || file.type || "");
      payload.content = content || uploaded.originalName || file.name;
    }
  } catch (error) {
    $("send-error").textContent = error.message;
    return;
  }
  state.socket.emit("sendMessage", payload, (ack) => {
    if (!ack || ack.success === false) {
      $("send-error").textContent = (ack && ack.message) || t("Message non envoyé");
      return;
    }
    $("message-input").value = "";
    $("file-input").value = "";
  });
  state.socket.emit("stopTyping", { conversationId: state.current });
}

function onInput() {
  if (!state.current) return;
  state.socket.emit("typing", { conversationId: state.current });
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(
    () => state.socket.emit("stopTyping", { conversationId: state.current }), 3000);
}

function showTyping(event, typing) {
  if (event.conversationId !== state.current || event.userId === state.user.id) return;
  const conversation = state.conversations.find((c) => idOf(c) === state.current);
  const who = conversation && others(conversation).find((p) => (p.userId || p.id) === event.userId);
  $("typing").textContent = typing ? t("%(name)s écrit…", { name: (who && who.name) || t("Quelqu'un") }) : "";
}

async function newChat(event) {
  event.preventDefault();
  $("new-chat-error").textContent = "";
  try {
    const matricule = $("new-chat-matricule").value.trim();
    const response = await fetch(`${cfg.authUrl}/matricule/${encodeURIComponent(matricule)}`,
                                 { headers: i18n.headers({ Authorization: `Bearer ${state.token}` }) });
    const user = await response.json();
    if (!response.ok) throw new Error(user.message || t("Utilisateur introuvable"));
    const conversation = await api("/conversations",
                                   { method: "POST", json: { type: "PRIVATE", participantId: user.id } });
    await loadConversations();
    await openConversation(idOf(conversation));
    $("new-chat-matricule").value = "";
  } catch (error) {
    $("new-chat-error").textContent = error.message;
  }
}

function onLanguage() {
  // The page's own texts are redrawn by i18n.js; the status line is drawn here, and the socket
  // says its errors in the language it connected with: reconnect it with the new one.
  if (state.status) setStatus(...state.status);
  if (state.socket) {
    state.socket.auth.locale = i18n.language();
    if (state.socket.connected) state.socket.disconnect().connect();
  }
}

document.addEventListener("languagechange", onLanguage);
$("login-form").addEventListener("submit", login);
$("send-form").addEventListener("submit", send);
$("new-chat-form").addEventListener("submit", newChat);
$("message-input").addEventListener("input", onInput);
