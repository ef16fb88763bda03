"""Who the simulated users are: groups of 20, private conversations inside each group, agents.

Users come in groups of `group_size`. Each group has one GROUP conversation and a PRIVATE
conversation between every member and the members `private_offsets` places further round the
group's ring (offsets 1 and 3: each member has four private partners, a group 40 private
conversations). Every conversation of a group stays
inside the group, so a whole group lives in one load agent, which can then match every
delivery a send should produce. Groups are dealt to agents in turn and users are activated in
group order: at any user count all but the last group are complete, as in the issue's
measurement (a send into a group reaches its 19 other members).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.storage_data import Shape

USER_BASE = 0xCA9A_0000_0000  # ids of the harness's users and conversations: 24 hex digits,
CONVERSATION_BASE = 0xC0C0_0000_0000  # far from any demo or test id


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str  # "GROUP" or "PRIVATE"
    members: tuple[int, ...]  # user numbers


@dataclass
class Population:
    users: int
    group_size: int = 20
    private_offsets: tuple[int, ...] = (1, 3)
    conversations: list[Conversation] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.users % self.group_size:
            raise ValueError(f"users must be a multiple of the group size ({self.group_size})")
        if not self.conversations:
            self.conversations = list(self._conversations())

    @property
    def groups(self) -> int:
        return self.users // self.group_size

    def user_id(self, number: int) -> str:
        return f"{USER_BASE + number:024x}"

    def matricule(self, number: int) -> str:
        return f"CAP{number:06d}"

    def group_of(self, number: int) -> int:
        return number // self.group_size

    def _conversations(self) -> list[Conversation]:
        found: list[Conversation] = []
        for group in range(self.groups):
            first = group * self.group_size
            members = tuple(range(first, first + self.group_size))
            found.append(Conversation(_conversation_id(len(found)), "GROUP", members))
            pairs = {
                tuple(sorted((first + n, first + (n + offset) % self.group_size)))
                for offset in self.private_offsets
                for n in range(self.group_size)
            }
            for pair in sorted(pairs):
                found.append(Conversation(_conversation_id(len(found)), "PRIVATE", pair))
        return found

    def shapes(self, group_history: int, private_history: int) -> dict[str, Shape]:
        """The conversations as the storage bench's loader takes them, with their history
        sizes (bench/storage_data.py writes the rows)."""
        shapes = {}
        for conversation in self.conversations:
            members = [self.user_id(n) for n in conversation.members]
            size = group_history if conversation.kind == "GROUP" else private_history
            shapes[conversation.id] = Shape(
                conversation.id, members, size, members, kind=conversation.kind
            )
        return shapes


def _conversation_id(n: int) -> str:
    return f"{CONVERSATION_BASE + n:024x}"
