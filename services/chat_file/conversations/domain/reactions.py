"""What a reaction may be: one emoji (one grapheme cluster that is an emoji: a pictograph, a
flag, a keycap, with its skin tone, variation or ZWJ sequence) or a `:shortcode:` of the small
curated list below. Anything else (words, several emoji, control characters) is refused, so a
reaction cannot carry text, and a user holds at most `MAX_REACTIONS_PER_USER` on a message.

The `regex` package gives `\\X` (Unicode extended grapheme clusters) and the emoji properties,
which the standard `re` module lacks."""

from __future__ import annotations

from typing import Any

import regex

from services.chat_file.conversations.domain.errors import InvalidEmojiError, TooManyReactionsError

MAX_REACTIONS_PER_USER = 3  # MAX_REACTIONS_PER_USER: distinct reactions of one user per message
MAX_CODE_POINTS = 16  # the longest ZWJ family sequences are 11
ONE_GRAPHEME = regex.compile(r"\X", regex.V1)
EMOJI_MARK = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20e3", regex.V1)
SHORTCODES = frozenset(
    {
        ":+1:", ":-1:", ":thumbsup:", ":thumbsdown:", ":heart:", ":broken_heart:", ":joy:",
        ":smile:", ":laughing:", ":wink:", ":blush:", ":heart_eyes:", ":open_mouth:", ":cry:",
        ":sob:", ":rage:", ":thinking:", ":pray:", ":clap:", ":raised_hands:", ":ok_hand:",
        ":muscle:", ":wave:", ":fire:", ":tada:", ":eyes:", ":100:", ":white_check_mark:",
        ":x:", ":star:", ":rocket:", ":handshake:", ":flag_cm:",
    }
)  # fmt: skip


def check_reaction(value: Any) -> str:
    """The reaction as given if it is one emoji or a known shortcode; else INVALID_EMOJI."""
    if not isinstance(value, str):
        raise InvalidEmojiError()
    if value in SHORTCODES:
        return value
    if not 0 < len(value) <= MAX_CODE_POINTS or not ONE_GRAPHEME.fullmatch(value):
        raise InvalidEmojiError()
    if not EMOJI_MARK.search(value):
        raise InvalidEmojiError()
    return value


def reacted(
    reactions: list[dict[str, str]], user_id: str, emoji: str, add: bool, max_per_user: int
) -> list[dict[str, str]]:
    """A message's reactions after the user added (once) or removed `emoji`; a new one over
    the user's `max_per_user` is `TooManyReactionsError`."""
    entry = {"userId": user_id, "emoji": emoji}
    others = [r for r in reactions if r != entry]
    if not add:
        return others
    if len(others) < len(reactions):  # held already: unchanged
        return list(reactions)
    if held_by(reactions, user_id) >= max_per_user:
        raise TooManyReactionsError()
    return [*reactions, entry]


def count_of(reactions: list[dict[str, str]], emoji: str) -> int:
    """How many users hold `emoji` on a message."""
    return sum(1 for r in reactions if r.get("emoji") == emoji)


def held_by(reactions: list[dict[str, str]], user_id: str) -> int:
    return sum(1 for r in reactions if r.get("userId") == user_id)
