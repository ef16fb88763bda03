"""Domain rules of conversations and messages, and the paging parameters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.chat_file.conversations.domain import errors
from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
    Receipt,
    check_content,
    pair_key,
    parse_message_type,
)
from services.chat_file.conversations.domain.paging import (
    parse_cursor,
    parse_direction,
    parse_limit,
    parse_page,
)
from services.chat_file.kernel.ids import check_user_id

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def group(kind: ConversationType = ConversationType.GROUP, admins: list[str] | None = None):
    return Conversation(
        id="c",
        type=kind,
        participants=["a", "b", "c"],
        admins=admins if admins is not None else ["a"],
        created_by="a",
        created_at=NOW,
        last_activity=NOW,
    )


def test_content_rules_give_specific_codes() -> None:
    assert check_content("hi", MessageType.TEXT, False, 10) == "hi"
    with pytest.raises(errors.EmptyContentError):
        check_content("   ", MessageType.TEXT, False, 10)
    with pytest.raises(errors.ContentTooLongError):
        check_content("x" * 11, MessageType.TEXT, False, 10)
    with pytest.raises(errors.EmptyContentError):
        check_content("", MessageType.IMAGE, False, 10)
    assert check_content("", MessageType.IMAGE, True, 10) == ""
    with pytest.raises(errors.InvalidMessageTypeError):
        parse_message_type("STICKER")
    assert parse_message_type(None) is MessageType.TEXT


def test_pair_key_ignores_order_and_user_ids_are_checked() -> None:
    assert pair_key("b", "a") == pair_key("a", "b") == "a|b"
    for bad in ["", "a.b", "$x", "a b", None, 5, "x" * 65]:
        with pytest.raises(errors.InvalidIdError):
            check_user_id(bad)


def test_broadcast_only_admins_post() -> None:
    broadcast = group(ConversationType.BROADCAST)
    broadcast.check_can_post("a")
    with pytest.raises(errors.BroadcastReadOnlyError):
        broadcast.check_can_post("b")


def test_group_management_rules() -> None:
    g = group()
    g.check_can_manage("a")
    with pytest.raises(errors.NotAdminError):
        g.check_can_manage("b")
    with pytest.raises(errors.NotAGroupError):
        group(ConversationType.PRIVATE).check_can_manage("a")
    with pytest.raises(errors.NotParticipantError):
        g.check_can_remove("a", "zed")
    g.check_can_leave("b")
    with pytest.raises(errors.LastAdminError):
        g.check_can_leave("a")
    group(admins=["a", "b"]).check_can_leave("a")


def test_message_status_is_derived_from_the_recipients_pointers() -> None:
    g = group()  # participants a, b, c
    g.seq = 3
    m = Message("m", "c1", "a", "hi", MessageType.TEXT, NOW, seq=2)
    assert g.status_of(m) == "SENT"
    g.receipts = {"b": Receipt(delivered_up_to=2), "c": Receipt(delivered_up_to=3)}
    assert g.status_of(m) == "DELIVERED"
    g.receipts["b"] = Receipt(read_up_to=2, read_at=NOW)
    assert g.status_of(m) == "DELIVERED"
    assert g.read_by(m) == {"b": NOW}
    g.receipts["c"] = Receipt(read_up_to=5, read_at=NOW)
    assert g.status_of(m) == "READ"
    assert set(g.delivered_to(m)) == {"b", "c"}
    later = Message("m2", "c1", "a", "hi", MessageType.TEXT, NOW, seq=6)
    assert g.status_of(later) == "SENT" and g.read_by(later) == {}


def test_pointers_only_move_forward() -> None:
    r = Receipt(read_up_to=5, delivered_up_to=7)
    assert r.advanced(3, NOW, read=True, message_id="x") is r
    assert r.advanced(6, NOW, read=False, message_id=None) is r  # delivered 7 already
    moved = r.advanced(9, NOW, read=True, message_id="m9")
    assert (moved.read_up_to, moved.last_read_id, moved.delivered) == (9, "m9", 9)


def test_unread_is_seq_minus_read_pointer() -> None:
    g = group()
    g.seq, g.receipts = 7, {"a": Receipt(read_up_to=7), "b": Receipt(read_up_to=2)}
    assert (g.unread_for("a"), g.unread_for("b"), g.unread_for("c")) == (0, 5, 7)


@pytest.mark.parametrize("raw", ["0", "101", "-1", "abc", "1.5"])
def test_limit_out_of_range_is_refused(raw: str) -> None:
    with pytest.raises(errors.InvalidPaginationError):
        parse_limit(raw, 50)


def test_paging_parameters() -> None:
    assert parse_limit(None, 50) == 50 and parse_limit("100", 50) == 100
    assert parse_page(None) == 1
    with pytest.raises(errors.InvalidPaginationError):
        parse_page("0")
    assert parse_direction("NEWER") is True and parse_direction(None) is False
    with pytest.raises(errors.InvalidPaginationError):
        parse_direction("sideways")
    assert parse_cursor("a" * 24) == "a" * 24
    for garbage in ["zzz", "' or 1=1", "a" * 25]:
        with pytest.raises(errors.InvalidCursorError):
            parse_cursor(garbage)
