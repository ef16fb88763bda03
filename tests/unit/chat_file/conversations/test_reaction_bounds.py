"""Issue 23 row 5: a reaction is one emoji or a known shortcode, a user holds at most three on
a message, and `message:reaction` carries the change, not the message."""

from __future__ import annotations

import pytest

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.domain import errors
from services.chat_file.conversations.domain.reactions import check_reaction

from ..conftest import who
from .test_conversations import private

EMOJI = ["👍", "👍🏽", "❤️", "👨‍👩‍👧‍👦", "🇨🇲", "1️⃣", "🎉", ":tada:", ":+1:"]
NOT_EMOJI = ["a", "ok", "👍👍", "👍 ", " 👍", ":nope:", "", "\u200b", "x" * 40, "🇨", None, 3]


@pytest.mark.parametrize("value", EMOJI)
def test_one_emoji_or_a_known_shortcode_is_a_reaction(value: str) -> None:
    assert check_reaction(value) == value


@pytest.mark.parametrize("value", NOT_EMOJI)
def test_anything_else_is_refused(value: object) -> None:
    with pytest.raises(errors.InvalidEmojiError):
        check_reaction(value)


def test_three_reactions_per_user_and_the_event_is_the_change(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    mid = chat.messages.send(who("alice"), conversation_id=cid, content="hi")[0]["id"]
    for emoji in ("👍", "🎉", ":fire:"):
        chat.messages.react(who("bob"), mid, emoji, add=True)
    with pytest.raises(errors.TooManyReactionsError):
        chat.messages.react(who("bob"), mid, "❤️", add=True)
    chat.messages.react(who("alice"), mid, "👍", add=True)
    event, payload, rooms = fakes["notifier"].events[-1]
    assert event == "message:reaction" and set(rooms) == {"alice", "bob"}
    assert payload == {
        "messageId": mid,
        "conversationId": cid,
        "action": "add",
        "emoji": "👍",
        "userId": "alice",
        "count": 2,
        "timestamp": payload["timestamp"],
    }
    view = chat.messages.react(who("bob"), mid, "👍", add=False)  # the caller gets the message
    assert [r["emoji"] for r in view["reactions"] if r["userId"] == "bob"] == ["🎉", ":fire:"]
    assert fakes["notifier"].events[-1][1]["action"] == "remove"
    assert fakes["notifier"].events[-1][1]["count"] == 1
    assert chat.messages.react(who("bob"), mid, "❤️", add=True)["id"] == mid  # room again


def test_a_refused_reaction_writes_and_announces_nothing(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    mid = chat.messages.send(who("alice"), conversation_id=cid, content="hi")[0]["id"]
    before = len(fakes["notifier"].events)
    with pytest.raises(errors.InvalidEmojiError):
        chat.messages.react(who("bob"), mid, "bonjour", add=True)
    assert len(fakes["notifier"].events) == before
    assert fakes["stores"].messages.get(mid).reactions == []
