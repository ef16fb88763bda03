"""The load agents: Node processes (bench/capacity/agent/main.js) holding the simulated users.

Each agent gets a plan file (its users with their tokens, their conversations, the action mix)
and answers one JSON line per command. Whole groups are dealt to agents in turn
(population.py), so every delivery a send should produce is matched inside one agent.
"""

from __future__ import annotations

import json
import selectors
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.capacity.population import Population
from bench.capacity.settings import RunSettings
from tests.support.tokens import mint

AGENT = Path(__file__).with_name("agent") / "main.js"
ROOT = Path(__file__).resolve().parents[2]


def node_binary() -> str:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed: the capacity agents need Node.js")
    return node


@dataclass
class AgentProcess:
    index: int
    proc: subprocess.Popen[str]

    def send(self, command: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise RuntimeError(f"agent {self.index} did not answer in {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"agent {self.index} exited (code {self.proc.poll()})")
        answer: dict[str, Any] = json.loads(line)
        return answer


class Agents:
    """Every agent of a run; `command` sends to all and gathers their answers."""

    def __init__(
        self, population: Population, settings: RunSettings, chat_url: str, run_dir: Path
    ) -> None:
        self.population = population
        self.settings = settings
        self.agents: list[AgentProcess] = []
        self._local: dict[int, tuple[int, int]] = {}  # user number -> (agent, local index)
        self._next_user = 0
        self.run_dir = run_dir
        try:
            self._start(run_dir, chat_url)
        except BaseException:
            self.close()
            raise

    def _start(self, run_dir: Path, chat_url: str) -> None:
        population, count = self.population, self.settings.agents
        for index in range(count):
            users = [n for n in range(population.users) if population.group_of(n) % count == index]
            for local, number in enumerate(users):
                self._local[number] = (index, local)
            plan = self._plan(index, users, chat_url)
            path = run_dir / f"agent-{index}.json"
            path.write_text(json.dumps(plan))
            with (run_dir / f"agent-{index}.log").open("a") as log:
                proc = subprocess.Popen(
                    [node_binary(), str(AGENT), str(path)],
                    cwd=ROOT,
                    text=True,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                )
            self.agents.append(AgentProcess(index, proc))
        self.gather(timeout=60)  # every agent's "ready": the plans (and their tokens) are read
        self._forget_plans()

    def _forget_plans(self) -> None:
        for path in self.run_dir.glob("agent-*.json"):
            path.unlink()

    @property
    def started(self) -> int:
        return self._next_user

    def _plan(self, index: int, users: list[int], chat_url: str) -> dict[str, Any]:
        population, settings = self.population, self.settings
        local = {number: n for n, number in enumerate(users)}
        conversations = [c for c in population.conversations if c.members[0] in local]
        where = {c.id: n for n, c in enumerate(conversations)}
        of_user: dict[int, list[int]] = {n: [] for n in users}
        for conversation in conversations:
            for member in conversation.members:
                of_user[member].append(where[conversation.id])
        ttl = settings.token_ttl_seconds
        return {
            "agent": index,
            "chatUrl": chat_url,
            "mix": settings.mix,
            "groupShare": settings.group_share,
            "typingMs": list(settings.typing_ms),
            "timeouts": settings.timeouts,
            "ledger": {
                "lostAfterMs": settings.lost_after_ms,
                "lateAfterMs": settings.late_after_ms,
            },
            "conversations": [
                {"id": c.id, "kind": c.kind, "members": [local[m] for m in c.members]}
                for c in conversations
            ],
            "users": [
                {
                    "id": population.user_id(n),
                    "token": mint(
                        population.user_id(n),
                        settings.jwt_secret,
                        ttl=ttl,
                        matricule=population.matricule(n),
                    ),
                    "conversations": of_user[n],
                }
                for n in users
            ],
        }

    def gather(self, timeout: float) -> list[dict[str, Any]]:
        return [agent.read(timeout) for agent in self.agents]

    def command(self, command: dict[str, Any], timeout: float = 120) -> list[dict[str, Any]]:
        for agent in self.agents:
            agent.send(command)
        return self.gather(timeout)

    def add(self, count: int, spread_seconds: float) -> None:
        """Start the next `count` users (in population order), spread over `spread_seconds`."""
        numbers = range(self._next_user, min(self.population.users, self._next_user + count))
        self._next_user = numbers.stop
        self._per_agent("add", numbers, {"spreadMs": int(spread_seconds * 1000)})

    def storm(self, count: int, spread_seconds: float, timeout: float) -> list[dict[str, Any]]:
        """Bare sockets of the first `count` users, opened evenly over `spread_seconds`."""
        extra = {"spreadMs": int(spread_seconds * 1000), "timeoutMs": int(timeout * 1000)}
        return self._per_agent("storm", range(count), extra, timeout + spread_seconds + 60)

    def _per_agent(
        self, cmd: str, numbers: Sequence[int], extra: dict[str, Any], timeout: float = 120
    ) -> list[dict[str, Any]]:
        chosen: list[list[int]] = [[] for _ in self.agents]
        for number in numbers:
            agent, local = self._local[number]
            chosen[agent].append(local)
        for agent, users in zip(self.agents, chosen, strict=True):
            agent.send({"cmd": cmd, "users": users, **extra})
        return self.gather(timeout)

    def close(self) -> None:
        self._forget_plans()
        for agent in self.agents:
            if agent.proc.poll() is None:
                try:
                    agent.send({"cmd": "stop"})
                    agent.proc.wait(timeout=15)
                except (OSError, subprocess.TimeoutExpired):
                    agent.proc.kill()
                    agent.proc.wait(timeout=5)
