"""What a capacity run does: the action mix, the stages of the ramp, the health criteria.

Every value has a command-line option (`python -m bench.capacity --help`); the defaults are
what `make capacity` measures and docs/capacity.md describes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

# Actions per simulated user and minute, after Mattermost's simulcontroller weights
# (SwitchChannel 6.5, ScrollChannel 2, UnreadCheck 1, CreatePost 1, AddReaction 0.13,
# EditPost 0.04) and the reconnects of mobile clients.
MIX = {
    "switch": 6.0,  # newest page of another conversation + mark it read
    "scroll": 2.0,  # the next older page
    "list": 1.0,  # the conversation list
    "send": 1.0,  # typing, sendMessage, stopTyping
    "reaction": 0.1,
    "edit": 0.04,
    "reconnect": 0.14,  # socket closed and opened again, then the newer messages fetched
}

HTTP_KINDS = ("page", "read", "list", "reaction", "connect")  # connect: the WebSocket upgrade
ACK_KINDS = ("send", "edit")


@dataclass(frozen=True)
class Criteria:
    """A stage is healthy when every p99 is at most its bound, nothing failed, nothing lost."""

    delivery_p99_ms: float = 1000.0
    http_p99_ms: float = 1000.0
    ack_p99_ms: float = 1000.0


@dataclass(frozen=True)
class RunSettings:
    start_users: int = 100
    step_users: int = 100
    max_users: int = 3000
    spread_seconds: float = 10.0  # a stage's new users connect evenly over this time
    warmup_seconds: float = 10.0  # then the stage settles, unmeasured
    window_seconds: float = 60.0  # then it is measured
    agents: int = 1
    mix: dict[str, float] = field(default_factory=lambda: dict(MIX))
    group_size: int = 20
    group_share: float = 0.5  # a switch opens the group (else a private conversation)
    typing_ms: tuple[int, int] = (500, 2500)  # typing before a send, uniform in this range
    timeouts: dict[str, int] = field(
        default_factory=lambda: {
            "httpMs": 30000,
            "ackMs": 30000,
            "connectMs": 30000,
            "retryMs": 2000,
        }
    )
    lost_after_ms: int = 30000
    late_after_ms: int = 1000  # = the delivery bound: pending older counts as that slow
    criteria: Criteria = field(default_factory=Criteria)
    group_history: int = 1000  # messages already in each group
    private_history: int = 50  # and in each private conversation
    storm_sockets: int = 2000  # 0: no reconnect storm before the ramp
    storm_seconds: float = 10.0
    storm_timeout_seconds: float = 30.0
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    service_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def stages(self) -> list[int]:
        return list(range(self.start_users, self.max_users + 1, self.step_users))

    @property
    def population_size(self) -> int:
        """Users to seed: the largest stage (and the storm), rounded up to whole groups."""
        needed = max(self.max_users, self.storm_sockets)
        return -(-needed // self.group_size) * self.group_size

    @property
    def token_ttl_seconds(self) -> int:
        stage = self.spread_seconds + self.warmup_seconds + self.window_seconds
        return int(len(self.stages) * stage + 3600)
