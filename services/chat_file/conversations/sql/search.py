"""Message search per dialect: case- and accent-insensitive French words, index-backed.

PostgreSQL: `messages.search_vector` (generated with the `ngomna_fr` configuration: french
stemming + unaccent) under a GIN index, ranked by `ts_rank`. SQLite: the FTS5 table
`messages_fts` (`unicode61 remove_diacritics 2`, word prefixes), ranked by `bm25`.
Pages are keyset: the opaque cursor holds the last (rank, num) seen.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from services.chat_file.conversations.domain.errors import InvalidCursorError
from services.chat_file.conversations.sql.tables import messages as T

WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12


class MessageSearch:
    def __init__(self, dialect: str) -> None:
        self._postgres = dialect == "postgresql"

    def query(
        self, base: sa.Select[Any], text: str, scope: list[Any], cursor: str | None, limit: int
    ) -> sa.Select[Any] | None:
        """`base` narrowed to matches in `scope`, best first, one row past `limit`."""
        words = WORD.findall(text)[:MAX_WORDS]
        if not words:
            return None
        rank, match, joined = self._rank_and_match(base, words)
        query = joined.add_columns(rank.label("rank"), T.c.num).where(match, *scope)
        if cursor:
            last_rank, last_num = decode_cursor(cursor)
            after = sa.or_(rank > last_rank, sa.and_(rank == last_rank, T.c.num < last_num))
            query = query.where(after)
        return query.order_by(rank.asc(), T.c.num.desc()).limit(limit + 1)

    def next_cursor(self, rows: Sequence[Any], limit: int) -> str | None:
        if len(rows) <= limit:
            return None
        last = rows[limit - 1]
        return encode_cursor(float(last.rank), int(last.num))

    def _rank_and_match(
        self, base: sa.Select[Any], words: list[str]
    ) -> tuple[Any, Any, sa.Select[Any]]:
        """(rank where smaller is better, the match condition, the select to extend)."""
        if self._postgres:
            config: Any = sa.literal_column("'ngomna_fr'::regconfig")
            # Inlined (escaped) rather than a server-side parameter: once psycopg prepares the
            # statement, PostgreSQL's generic plan cannot see how common the words are and
            # re-parses the query for every row (8x slower on 200 000 messages).
            terms = sa.bindparam("terms", " ".join(words), sa.String, literal_execute=True)
            tsquery = sa.func.plainto_tsquery(config, terms)
            vector: Any = sa.literal_column("messages.search_vector")
            rank: Any = sa.cast(-sa.func.ts_rank(vector, tsquery), sa.Double)
            return rank, vector.op("@@")(tsquery), base
        fts = sa.table("messages_fts", sa.column("rowid"))
        phrase = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
        rank = sa.func.bm25(sa.literal_column("messages_fts"))  # smaller is better
        match = sa.literal_column("messages_fts").op("MATCH")(phrase)
        joined = base.select_from(fts.join(T, T.c.num == fts.c.rowid))
        return rank, match, joined


def encode_cursor(rank: float, num: int) -> str:
    raw = json.dumps([rank, num]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        rank, num = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return float(rank), int(num)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursorError() from None
