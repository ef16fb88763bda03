// The capacity load agent: the simulated users of one plan in one Node process (one core),
// driven by the coordinator (bench/capacity/agents.py) like Mattermost's load-test agents.
//
//   node bench/capacity/agent/main.js <plan.json>
//
// The plan: {agent, chatUrl, mix, groupShare, typingMs, timeouts, ledger, conversations:
// [{id, kind, members: [user index]}], users: [{id, token, conversations: [index]}]}.
// Commands on stdin, one JSON object a line; one answer a command on stdout:
//   {cmd: "add", users: [index], spreadMs}  start these users, spread over spreadMs
//   {cmd: "window"}                         what happened since the last window (window.js)
//   {cmd: "drain", timeoutMs}               stop every action, wait for the deliveries still
//                                           due (at most timeoutMs), then the last window
//   {cmd: "storm", users, spreadMs, timeoutMs}  bare sockets of these users opened evenly over
//                                           spreadMs: how many connected, were refused (by
//                                           code) or got no answer in timeoutMs
//   {cmd: "stop"}                           close every socket and exit
"use strict";

const fs = require("fs");
const readline = require("readline");
const { io } = require("socket.io-client");
const { Ledger } = require("./ledger");
const { Mix } = require("./mix");
const { SimUser } = require("./user");
const { Window } = require("./window");

const LAG_TICK_MS = 100;

class Agent {
  constructor(plan) {
    this.id = plan.agent;
    this.chatUrl = plan.chatUrl;
    this.mix = new Mix(plan.mix);
    this.groupShare = plan.groupShare;
    this.typingMs = plan.typingMs;
    this.timeouts = plan.timeouts;
    this.random = Math.random;
    this.conversations = plan.conversations;
    this.users = plan.users.map((spec, index) => new SimUser(this, index, spec));
    this.ledger = new Ledger(plan.ledger);
    this.window = new Window();
    setInterval(() => this.ledger.sweep(this.window), 1000);
    let due = performance.now() + LAG_TICK_MS;
    setInterval(() => {
      const now = performance.now();
      this.window.loopLags.push(Math.max(0, now - due));
      due = now + LAG_TICK_MS;
    }, LAG_TICK_MS);
  }

  add({ users, spreadMs }) {
    users.forEach((index, n) => {
      setTimeout(() => this.users[index].start(), (spreadMs * n) / users.length);
    });
    return { added: users.length };
  }

  closeWindow() {
    this.ledger.sweep(this.window);
    this.ledger.countLate(this.window);
    const report = this.window.close({
      active: this.users.filter((u) => u.active).length,
      connected: this.users.filter((u) => u.active && u.connected).length,
    });
    this.window = new Window();
    return report;
  }

  async drain({ timeoutMs }) {
    const active = this.users.filter((u) => u.active);
    active.forEach((u) => { u.active = false; });
    const deadline = performance.now() + timeoutMs;
    while (this.ledger.size > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const report = this.closeWindow();
    active.forEach((u) => u.stop());
    return report;
  }

  async storm({ users, spreadMs, timeoutMs }) {
    const result = { attempted: users.length, connected: 0, refused: {}, timedOut: 0, connectMs: [] };
    const sockets = [];
    const started = performance.now();
    await Promise.all(users.map((index, n) => new Promise((resolve) => {
      setTimeout(() => {
        const opened = performance.now();
        const socket = io(this.chatUrl, {
          auth: { token: this.users[index].token },
          transports: ["websocket"], reconnection: false, forceNew: true,
        });
        sockets.push(socket);
        const timer = setTimeout(() => { result.timedOut += 1; resolve(); }, timeoutMs);
        socket.once("connect", () => {
          clearTimeout(timer);
          result.connected += 1;
          result.connectMs.push(Math.round(performance.now() - opened));
          resolve();
        });
        socket.once("connect_error", (error) => {
          clearTimeout(timer);
          const code = (error.data && error.data.code) || error.message || "REFUSED";
          result.refused[code] = (result.refused[code] || 0) + 1;
          resolve();
        });
      }, (spreadMs * n) / users.length);
    })));
    result.seconds = (performance.now() - started) / 1000;
    sockets.forEach((socket) => socket.close());
    return result;
  }

  stop() {
    this.users.forEach((u) => u.stop());
    return {};
  }
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const agent = new Agent(plan);
  const commands = readline.createInterface({ input: process.stdin });
  const answer = (cmd, body) => process.stdout.write(`${JSON.stringify({ reply: cmd, ...body })}\n`);
  answer("ready", { users: agent.users.length });
  for await (const line of commands) {
    if (!line.trim()) continue;
    const command = JSON.parse(line);
    switch (command.cmd) {
      case "add": answer("add", agent.add(command)); break;
      case "window": answer("window", agent.closeWindow()); break;
      case "drain": answer("drain", await agent.drain(command)); break;
      case "storm": answer("storm", await agent.storm(command)); break;
      case "stop": answer("stop", agent.stop()); process.exit(0); break;
      default: answer("error", { message: `unknown command ${command.cmd}` });
    }
  }
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
