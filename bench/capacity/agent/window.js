// What one measurement window saw: latency samples per kind, action and error counts, the
// delivery tally, and the agent's own load (CPU share, event-loop lag), so the coordinator can
// tell a slow server from a saturated load generator.
"use strict";

class Window {
  constructor() {
    this.startedAt = performance.now();
    this.cpu = process.cpuUsage();
    this.latencies = {}; // kind -> [ms]
    this.actions = {}; // action -> count
    this.errors = {}; // "<kind>:<code>" -> count
    this.deliveries = { delivered: 0, lost: 0, excused: 0, late: 0 };
    this.loopLags = [];
  }

  latency(kind, ms) {
    (this.latencies[kind] ||= []).push(Math.round(ms * 10) / 10);
  }

  action(name) {
    this.actions[name] = (this.actions[name] || 0) + 1;
  }

  error(kind, code) {
    const key = `${kind}:${code}`;
    this.errors[key] = (this.errors[key] || 0) + 1;
  }

  close(extra) {
    const wallMs = performance.now() - this.startedAt;
    const cpu = process.cpuUsage(this.cpu);
    return {
      seconds: wallMs / 1000,
      latencies: this.latencies,
      actions: this.actions,
      errors: this.errors,
      deliveries: this.deliveries,
      agent: {
        cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
        loopLagP99Ms: percentile(this.loopLags, 0.99),
      },
      ...extra,
    };
  }
}

function percentile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

module.exports = { Window };
