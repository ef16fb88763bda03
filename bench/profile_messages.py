"""Where the time of `GET /messages` goes: cProfile of a warm page of 50 (10 senders), in process.

`python -m bench.profile_messages [N]` prints, over N requests (default 500), the share of the
main steps of the request and the top 10 functions by own time. Storage:
`PROFILE_DATABASE_URL` (default a fresh SQLite file), Redis at `REDIS_URL`, profiles served by
the warm in-process L1, auth_user faked over HTTP.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
import uuid
from typing import Any

from bench.chat_core import IDS, REDIS_URL, SECRET, token
from services.chat_file.app import create_app
from services.chat_file.settings import Settings
from tests.fakes_chat import FakeAuthUserServer, demo_profile, seed_conversation


def profile(requests: int = 500) -> str:
    server = FakeAuthUserServer({u: demo_profile(u, n) for n, u in enumerate(IDS)}).start()
    workdir = tempfile.mkdtemp(prefix="profile-messages-")
    url = os.environ.get("PROFILE_DATABASE_URL", f"sqlite:///{workdir}/chat.db")
    settings = Settings(
        app_env="test",
        jwt_secret=SECRET,
        redis_url=REDIS_URL,
        user_cache_prefix=f"bench:{uuid.uuid4().hex[:8]}:profile:",
        auth_user_service_url=server.url,
        database_url=url,
    )
    try:
        app = create_app(settings)
        cid = seed_conversation(app.extensions["chat"], IDS[:10], 50)
        client = app.test_client()
        path = f"/messages?conversationId={cid}&limit=50"
        headers = {"Authorization": f"Bearer {token(IDS[0])}"}
        for _ in range(50):  # warm: L1 subscribed and filled, statements prepared
            assert client.get(path, headers=headers).status_code == 200
            time.sleep(0.005)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(path, headers=headers)
        profiler.disable()
    finally:
        server.stop()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(_steps(stats, requests))
    stats.strip_dirs().sort_stats("tottime").print_stats(10)
    return out.getvalue()


# (label, path suffix, function name): cumulative time of the request's main steps.
STEPS = [
    ("whole request (Flask test client)", "flask/testing.py", "open"),
    ("conversation + receipts (store)", "application/access.py", "conversation_for"),
    ("page of messages (store)", "conversations/sql/messages.py", "page"),
    ("senders (directory, L1)", "users/application/directory.py", "resolve_map"),
    ("views (api/views.py)", "servicekit/views.py", "dump_fast"),
    ("JSON encoding (orjson provider)", "servicekit/json_provider.py", "response"),
    ("token check (JWT)", "chat_file/http/auth.py", "authenticate"),
]


def _steps(stats: Any, requests: int) -> str:
    lines = ["step                                  ms/request (profiled)"]
    for label, path, name in STEPS:
        total = sum(
            row[3]
            for (file, _, func), row in stats.stats.items()
            if func == name and file.endswith(path)
        )
        lines.append(f"{label:38s}{total * 1000 / requests:8.3f}")
    return "\n".join(lines) + "\n\n"


if __name__ == "__main__":
    print(profile(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
