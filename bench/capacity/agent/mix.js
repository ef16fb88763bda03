// The action mix of one simulated user, modelled on Mattermost's load-test simulcontroller:
// after each action the user waits an idle time drawn uniformly in [min, 2 * avg - min] (mean
// `avg`), then picks the next action at random, weighted by its rate. `avg` follows from the
// rates: a user doing 10.28 actions a minute waits 5.84 s on average.
"use strict";

const ACTIONS = ["switch", "scroll", "list", "send", "reaction", "edit", "reconnect"];

class Mix {
  constructor(perMinute, random = Math.random) {
    this.rates = ACTIONS.map((name) => [name, Number(perMinute[name] || 0)]);
    this.total = this.rates.reduce((sum, [, rate]) => sum + rate, 0);
    if (!(this.total > 0)) throw new Error("the action mix has no action");
    this.avgIdleMs = 60000 / this.total;
    this.minIdleMs = Math.min(1000, this.avgIdleMs / 2);
    this.random = random;
  }

  idleMs() {
    const span = 2 * (this.avgIdleMs - this.minIdleMs);
    return this.minIdleMs + this.random() * span;
  }

  pick() {
    let left = this.random() * this.total;
    for (const [name, rate] of this.rates) {
      left -= rate;
      if (left < 0) return name;
    }
    return this.rates[this.rates.length - 1][0];
  }
}

module.exports = { Mix, ACTIONS };
