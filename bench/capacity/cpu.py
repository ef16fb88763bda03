"""CPU time of the server's processes (Linux /proc), so a stage can say how busy they were.

`ProcessTreeCpu(pids)` follows each given process and its descendants (a gunicorn master and
its worker); `share()` is, per root process since the previous call, the CPU its tree used and
the time it was ready to run but waited for a core (the scheduler's run-queue delay from
/proc/<pid>/schedstat), both in cores (1.0 = one core the whole time). A large wait means the
machine is oversubscribed: other processes took the cores the server needed.
"""

from __future__ import annotations

import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds waiting for one) of the process and its live descendants."""
    used = waited = 0.0
    for member in [pid, *_tree(pid)]:
        try:
            on_cpu, on_queue, _slices = Path(f"/proc/{member}/schedstat").read_text().split()
        except (OSError, ValueError):
            continue
        used += int(on_cpu) / 1e9
        waited += int(on_queue) / 1e9
    return used, waited


def _tree(pid: int) -> list[int]:
    below = _children(pid)
    return below + [grandchild for child in below for grandchild in _tree(child)]


class ProcessTreeCpu:
    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self._last = self._read()

    def _read(self) -> tuple[float, list[tuple[float, float]]]:
        return time.monotonic(), [_cpu_seconds(pid) for pid in self.pids]

    def share(self) -> list[dict[str, float]]:
        """Per root: cores used and cores' worth of waiting since the previous call."""
        (then, before), (now, after) = self._last, self._read()
        self._last = (now, after)
        elapsed = max(now - then, 1e-6)
        return [
            {"used": round((b[0] - a[0]) / elapsed, 3), "waited": round((b[1] - a[1]) / elapsed, 3)}
            for a, b in zip(before, after, strict=True)
        ]
