// Every newMessage a send should produce, until it arrives, is excused or is declared lost.
//
// At the emit, the recipients are the conversation's other members whose socket is connected
// in this agent (every member of a conversation lives in the same agent). A delivery is matched
// by the message's temporaryId and the receiving user. A recipient whose socket closes before
// its delivery (a simulated reconnect) is excused: history brings that message back to it. A
// recipient still waiting `lostAfterMs` after the emit is lost. When a window closes, every
// delivery older than `lateAfterMs` that has not arrived is counted in that window's latencies
// at its current age (a lower bound), so a saturated server cannot hide its late deliveries in
// the next window; its arrival later only counts it as delivered.
"use strict";

class Ledger {
  constructor({ lostAfterMs, lateAfterMs }, now = () => performance.now()) {
    this.now = now;
    this.lostAfterMs = lostAfterMs;
    this.lateAfterMs = lateAfterMs;
    this.pending = new Map(); // temporaryId -> {t0, waiting: Map(userIndex -> countedLate)}
  }

  sent(temporaryId, recipients) {
    if (recipients.length === 0) return;
    const waiting = new Map(recipients.map((index) => [index, false]));
    this.pending.set(temporaryId, { t0: this.now(), waiting });
  }

  refused(temporaryId) {
    this.pending.delete(temporaryId);
  }

  received(temporaryId, userIndex, window) {
    const entry = this.pending.get(temporaryId);
    if (!entry || !entry.waiting.has(userIndex)) return;
    if (!entry.waiting.get(userIndex)) window.latency("delivery", this.now() - entry.t0);
    window.deliveries.delivered += 1;
    entry.waiting.delete(userIndex);
    if (entry.waiting.size === 0) this.pending.delete(temporaryId);
  }

  left(userIndex, window) {
    for (const [temporaryId, entry] of this.pending) {
      if (entry.waiting.delete(userIndex)) window.deliveries.excused += 1;
      if (entry.waiting.size === 0) this.pending.delete(temporaryId);
    }
  }

  sweep(window) {
    const now = this.now();
    for (const [temporaryId, entry] of this.pending) {
      if (now - entry.t0 < this.lostAfterMs) continue;
      window.deliveries.lost += entry.waiting.size;
      this.pending.delete(temporaryId);
    }
  }

  countLate(window) {
    const now = this.now();
    for (const entry of this.pending.values()) {
      const age = now - entry.t0;
      if (age < this.lateAfterMs) continue;
      for (const [index, counted] of entry.waiting) {
        if (counted) continue;
        window.latency("delivery", age);
        window.deliveries.late += 1;
        entry.waiting.set(index, true);
      }
    }
  }

  get size() {
    let size = 0;
    for (const entry of this.pending.values()) size += entry.waiting.size;
    return size;
  }
}

module.exports = { Ledger };
