"""Issue 23 row 4: a message keeps a bounded edit history, and `message:edited` carries the new
text only (the history is read on demand)."""

from __future__ import annotations

import json
from dataclasses import replace

from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.conversations.domain.model import kept_history
from services.chat_file.settings import Settings
from tests.support.wire import wire

from ..conftest import who
from .test_conversations import private


def test_kept_history_keeps_the_newest_versions_within_both_bounds() -> None:
    versions = [{"content": f"v{n}"} for n in range(30)]
    assert [v["content"] for v in kept_history(versions, 20, 10**6)] == [
        f"v{n}" for n in range(10, 30)
    ]
    big = [{"content": "é" * 500} for _ in range(5)]  # 1 000 bytes each
    assert len(kept_history(big, 20, 2_500)) == 2
    assert kept_history(big, 0, 10**6) == [] and kept_history(big, 20, 999) == []


def test_many_edits_keep_twenty_versions_and_the_event_has_no_history(
    chat: ChatServices, fakes
) -> None:
    cid = private(chat)["id"]
    mid = chat.messages.send(who("alice"), conversation_id=cid, content="v0")[0]["id"]
    for n in range(1, 31):
        answer = chat.messages.edit(who("alice"), mid, f"v{n}")
    assert [h["content"] for h in answer["editHistory"]] == [f"v{n}" for n in range(10, 30)]
    stored = fakes["stores"].messages.get(mid)
    assert len(stored.edit_history) == 20
    event, payload, _ = fakes["notifier"].events[-1]
    assert event == "message:edited" and payload["content"] == "v30"
    assert payload["newContent"] == "v30" and "editHistory" not in payload
    assert chat.messages.get(who("bob"), mid)["editHistory"][-1]["content"] == "v29"


def test_a_long_message_edited_100_times_keeps_at_most_the_byte_bound(
    settings: Settings, fakes
) -> None:
    bounded = replace(settings, edit_history_bytes=50_000, max_message_length=10_000)
    chat = wire(build(bounded, **fakes))
    cid = private(chat)["id"]
    text = "x" * 10_000
    mid = chat.messages.send(who("alice"), conversation_id=cid, content=text)[0]["id"]
    for n in range(100):
        chat.messages.edit(who("alice"), mid, f"{n:05d}{text[5:]}")
    stored = fakes["stores"].messages.get(mid)
    assert sum(len(h["content"]) for h in stored.edit_history) <= 50_000
    assert len(stored.edit_history) == 5 and stored.edit_history[-1]["content"].startswith("00098")
    edits = [p for e, p, _ in fakes["notifier"].events if e == "message:edited"]
    assert len(edits) == 100
    # the text twice (`content`, and the old clients' `newContent`), never the history
    assert max(len(json.dumps(p, default=str)) for p in edits) < 25_000
