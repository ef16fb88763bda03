// The capacity agent's bookkeeping (bench/capacity/agent/): run by test_agent_js.py with
// `node --test`. A fake clock drives the ledger; a seeded generator drives the mix.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const agent = path.resolve(__dirname, "../../../bench/capacity/agent");
const { Ledger } = require(path.join(agent, "ledger.js"));
const { Mix } = require(path.join(agent, "mix.js"));
const { Window } = require(path.join(agent, "window.js"));

function clock() {
  const time = { now: 0 };
  return [time, () => time.now];
}

test("a delivery is matched by temporaryId and recipient, with its latency", () => {
  const [time, now] = clock();
  const ledger = new Ledger({ lostAfterMs: 30000, lateAfterMs: 1000 }, now);
  const window = new Window();
  ledger.sent("a-1", [1, 2]);
  time.now = 40;
  ledger.received("a-1", 1, window);
  ledger.received("a-1", 1, window); // a duplicate counts once
  ledger.received("a-1", 7, window); // not a recipient
  assert.deepEqual(window.latencies.delivery, [40]);
  assert.equal(window.deliveries.delivered, 1);
  assert.equal(ledger.size, 1);
});

test("a recipient still waiting after lostAfterMs is lost, not before", () => {
  const [time, now] = clock();
  const ledger = new Ledger({ lostAfterMs: 30000, lateAfterMs: 1000 }, now);
  const window = new Window();
  ledger.sent("a-1", [1, 2]);
  ledger.received("a-1", 2, window);
  time.now = 29999;
  ledger.sweep(window);
  assert.equal(window.deliveries.lost, 0);
  time.now = 30000;
  ledger.sweep(window);
  assert.equal(window.deliveries.lost, 1);
  assert.equal(ledger.size, 0);
});

test("a recipient whose socket closed is excused; a refused send expects nothing", () => {
  const [time, now] = clock();
  const ledger = new Ledger({ lostAfterMs: 100, lateAfterMs: 50 }, now);
  const window = new Window();
  ledger.sent("a-1", [1, 2]);
  ledger.sent("a-2", [1]);
  ledger.left(1, window);
  ledger.refused("a-2");
  assert.equal(window.deliveries.excused, 2);
  time.now = 1000;
  ledger.sweep(window);
  assert.equal(window.deliveries.lost, 1); // recipient 2 of a-1
});

test("a late delivery is counted in the window that closes while it waits, once", () => {
  const [time, now] = clock();
  const ledger = new Ledger({ lostAfterMs: 30000, lateAfterMs: 1000 }, now);
  const first = new Window();
  ledger.sent("a-1", [1]);
  time.now = 2500;
  ledger.countLate(first);
  assert.deepEqual(first.latencies.delivery, [2500]);
  assert.equal(first.deliveries.late, 1);
  const second = new Window();
  time.now = 4000;
  ledger.countLate(second);
  ledger.received("a-1", 1, second);
  assert.equal(second.latencies.delivery, undefined);
  assert.equal(second.deliveries.delivered, 1);
});

function seeded(seed) { // mulberry32
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("the mix picks actions in proportion to their rates, idling avg = 60 s / total", () => {
  const rates = { switch: 6, scroll: 2, list: 1, send: 1 };
  const mix = new Mix(rates, seeded(7));
  const counts = {};
  let idle = 0;
  const draws = 100000;
  for (let n = 0; n < draws; n += 1) {
    const action = mix.pick();
    counts[action] = (counts[action] || 0) + 1;
    idle += mix.idleMs();
  }
  assert.ok(Math.abs(counts.switch / draws - 0.6) < 0.01, JSON.stringify(counts));
  assert.ok(Math.abs(counts.send / draws - 0.1) < 0.01, JSON.stringify(counts));
  assert.equal(counts.edit, undefined);
  assert.ok(Math.abs(idle / draws - 6000) < 60, String(idle / draws));
  assert.equal(mix.minIdleMs, 1000);
});

test("a mix without any action is refused", () => {
  assert.throws(() => new Mix({}), /no action/);
});
