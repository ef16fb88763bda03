"""Plain rules of push notifications: settings decisions, provider answers, payload text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.push.domain.notifications import (
    FILE_PREVIEW,
    Outcome,
    notification,
    result_of_status,
    retry_delay,
)
from services.chat_file.push.domain.notify_prefs import (
    ConversationPrefs,
    Level,
    QuietHours,
    UserPrefs,
    should_push,
)

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # 13:00 in Douala (UTC+1)


@pytest.mark.parametrize(
    ("start", "end", "zone", "silenced"),
    [
        ("12:30", "14:00", "Africa/Douala", True),
        ("12:30", "14:00", "UTC", False),
        ("22:00", "13:30", "Africa/Douala", True),  # across midnight
        ("22:00", "12:00", "Africa/Douala", False),
    ],
)
def test_quiet_hours_are_read_in_the_users_time_zone(
    start: str, end: str, zone: str, silenced: bool
) -> None:
    assert QuietHours(start, end, zone).contains(NOON) is silenced


@pytest.mark.parametrize(
    ("level", "muted", "mentioned", "pushed"),
    [
        (Level.ALL, None, False, True),
        (Level.MENTIONS, None, False, False),
        (Level.MENTIONS, None, True, True),
        (Level.NONE, None, True, False),
        (Level.ALL, NOON + timedelta(hours=1), False, False),
        (Level.ALL, NOON + timedelta(hours=1), True, True),
        (Level.ALL, NOON - timedelta(hours=1), False, True),  # the mute is over
    ],
)
def test_levels_and_mutes(
    level: Level, muted: datetime | None, mentioned: bool, pushed: bool
) -> None:
    chat = ConversationPrefs("bob", "c" * 24, level, muted)
    assert should_push(UserPrefs("bob"), chat, NOON, mentioned) is pushed


def test_do_not_disturb_silences_even_mentions() -> None:
    chat = ConversationPrefs("bob", "c" * 24)
    assert not should_push(
        UserPrefs("bob", dnd_until=NOON + timedelta(minutes=1)), chat, NOON, True
    )
    assert should_push(UserPrefs("bob", dnd_until=NOON), chat, NOON, False)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (201, Outcome.SENT),
        (404, Outcome.GONE),
        (410, Outcome.GONE),
        (429, Outcome.RETRY),
        (503, Outcome.RETRY),
        (400, Outcome.REJECTED),
        (413, Outcome.REJECTED),
    ],
)
def test_provider_statuses(status: int, outcome: Outcome) -> None:
    assert result_of_status(status).outcome is outcome


def test_retry_after_wins_over_backoff_which_doubles_and_is_capped() -> None:
    assert retry_delay(5, 2.0, 600.0, 7.0) == 7.0
    assert 1.0 <= retry_delay(0, 2.0, 600.0, None) <= 2.0
    assert 8.0 <= retry_delay(3, 2.0, 600.0, None) <= 16.0
    assert retry_delay(30, 2.0, 600.0, None) <= 600.0


def conversation(kind: ConversationType) -> Conversation:
    return Conversation("c" * 24, kind, ["a", "b"], [], "a", NOON, NOON, name="Équipe")


def message(content: str = "x" * 300, **kw: object) -> Message:
    return Message("m" * 24, "c" * 24, "a", content, MessageType.TEXT, NOON, **kw)  # type: ignore[arg-type]


def test_long_text_is_cut_and_files_show_a_paperclip() -> None:
    note = notification(conversation(ConversationType.PRIVATE), message(), "Jean", 4)
    assert len(note["body"]) == 120 and note["body"].endswith("…") and note["badge"] == 4
    with_file = message("", file={"id": "f"})
    group = notification(conversation(ConversationType.GROUP), with_file, "Jean", 1)
    assert (group["title"], group["body"]) == ("Équipe", f"Jean : {FILE_PREVIEW}")


def test_private_previews_say_only_new_message() -> None:
    note = notification(conversation(ConversationType.GROUP), message("secret"), "Jean", 1, False)
    assert note["body"] == "Nouveau message" and note["title"] == "Équipe"
