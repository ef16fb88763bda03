"""`SqlUserStore`: users on SQLite or PostgreSQL (SQLAlchemy Core).

Directory search is index-backed: each word of the query must start a word of nom, prenom or
matricule, accents and case aside ("helene" finds "Hélène", "dup" finds "Dupont").
PostgreSQL: generated `search_vector` (configuration `ngomna_simple` = simple + unaccent) under
a GIN index, prefix tsquery. SQLite: FTS5 `users_fts` (`remove_diacritics 2`), prefix queries.
The org filters compare the folded key columns (`ministere_key`...), under `users_by_org`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from bson import ObjectId
from sqlalchemy.engine import Engine

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.sql_store import SqlStore

from ...domain.errors import MatriculeTakenError
from ...domain.model import NewUser, Role, User
from ...domain.org import ANY_UNIT, ORG_LEVELS, OrgFilter, UnitCount, org_keys
from .tables import users as U

HEX_ID = re.compile(r"^[0-9a-f]{24}$")
WORD = re.compile(r"\w+", re.UNICODE)
ORDER = (U.c.nom, U.c.prenom, U.c.id)
KEYS = [U.c[f"{level}_key"] for level in ORG_LEVELS]  # folded: for filters, not for reading
COLUMNS = [c for c in U.c if c.name != "num" and not c.name.endswith("_key")]


class SqlUserStore(SqlStore):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._postgres = engine.dialect.name == "postgresql"

    def get(self, user_id: str) -> User | None:
        if not HEX_ID.match(user_id or ""):
            return None
        return self._one(U.c.id == user_id)

    def get_by_matricule(self, matricule: str) -> User | None:
        return self._one(U.c.matricule == matricule)

    def get_many(self, user_ids: Sequence[str]) -> list[User]:
        ids = [i for i in dict.fromkeys(user_ids) if HEX_ID.match(i or "")]
        if not ids:
            return []
        with self._read.connect() as db:
            rows = db.execute(sa.select(*COLUMNS).where(U.c.id.in_(ids)))
            return [user_of(r._mapping) for r in rows]

    def get_many_by_matricule(self, matricules: Sequence[str]) -> list[User]:
        wanted = list(dict.fromkeys(m for m in matricules if m))
        if not wanted:
            return []
        with self._read.connect() as db:
            rows = db.execute(sa.select(*COLUMNS).where(U.c.matricule.in_(wanted)))
            return [user_of(r._mapping) for r in rows]

    def search(
        self, query: str | None, offset: int, limit: int, org: OrgFilter = ANY_UNIT
    ) -> tuple[list[User], int]:
        where: Any = sa.and_(sa.true(), *(U.c[k] == v for k, v in org.keys().items()))
        base = sa.select(*COLUMNS)
        if query:
            words = WORD.findall(query)[:8]
            if not words:
                return [], 0
            match, base = self._match(words, base)
            where = sa.and_(where, match)
        matches = base.where(where)
        count = sa.select(sa.func.count()).select_from(matches.subquery())
        if query and self._postgres:
            return self._counted_page(matches, count, offset, limit)
        page = matches.order_by(*ORDER).offset(offset).limit(limit)
        with self._read.connect() as db:
            found = [user_of(r._mapping) for r in db.execute(page)]
            total = int(db.execute(count).scalar_one())
        return found, total

    def _counted_page(
        self, matches: sa.Select[Any], count: sa.Select[Any], offset: int, limit: int
    ) -> tuple[list[User], int]:
        """A text search on PostgreSQL: the matches first (GIN), then their order, and the total
        from the same scan. Left to itself the planner walks `users_by_name` hoping to meet
        the page's matches early, and a prefix whose names sort together ("ngo": every Ngono)
        costs a scan of most of the table. OFFSET 0 keeps the subquery apart (PostgreSQL does
        not pull a subquery with OFFSET up)."""
        fenced = matches.offset(0).subquery()
        total = sa.func.count().over().label("total_matches")
        order = [fenced.c[c.name] for c in ORDER]
        page = sa.select(*fenced.c, total).order_by(*order).offset(offset).limit(limit)
        with self._read.connect() as db:
            rows = [r._mapping for r in db.execute(page)]
            if not rows:  # a page past the end: the total on its own
                return [], int(db.execute(count).scalar_one())
        return [user_of(r) for r in rows], int(rows[0]["total_matches"])

    def org_units(self) -> list[UnitCount]:
        names = [sa.func.min(U.c[level]) for level in ORG_LEVELS]
        query = (
            sa.select(*names, sa.func.count())
            .where(U.c.active.is_(True))
            .group_by(*KEYS)
            .order_by(*KEYS)
        )
        with self._read.connect() as db:
            rows = db.execute(query).all()
        return [UnitCount(r[0], r[1], r[2], int(r[3])) for r in rows]

    def add(self, user: NewUser) -> User:
        row = new_row(user, utc_now_ms())
        try:
            with self._engine.begin() as tx:
                tx.execute(U.insert().values(**row))
        except sa.exc.IntegrityError as exc:
            raise MatriculeTakenError() from exc
        return user_of(row)

    def update(self, user_id: str, changes: Mapping[str, Any]) -> User | None:
        if not HEX_ID.match(user_id or ""):
            return None
        values = {k: (v.value if isinstance(v, Role) else v) for k, v in changes.items()}
        values.update(org_keys(values), updated_at=utc_now_ms())
        try:
            with self._engine.begin() as tx:
                done = tx.execute(U.update().where(U.c.id == user_id).values(**values)).rowcount
        except sa.exc.IntegrityError as exc:  # a matricule change onto a taken one
            raise MatriculeTakenError() from exc
        return self.get(user_id) if done else None

    def delete(self, user_id: str) -> bool:
        if not HEX_ID.match(user_id or ""):
            return False
        with self._engine.begin() as tx:
            return bool(tx.execute(U.delete().where(U.c.id == user_id)).rowcount)

    def ping(self) -> None:
        with self._read.connect() as db:
            db.execute(sa.text("SELECT 1"))

    def _one(self, where: Any) -> User | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(*COLUMNS).where(where)).first()
        return user_of(row._mapping) if row else None

    def _match(self, words: list[str], base: sa.Select[Any]) -> tuple[Any, sa.Select[Any]]:
        if self._postgres:
            # each word a prefix term; words are \w+ only, so no tsquery operator gets through
            terms = " & ".join(f"{w}:*" for w in words)
            config: Any = sa.literal_column("'ngomna_simple'::regconfig")
            vector: Any = sa.literal_column("users.search_vector")
            return vector.op("@@")(sa.func.to_tsquery(config, terms)), base
        fts = sa.table("users_fts", sa.column("rowid"))
        phrase = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
        match = sa.literal_column("users_fts").op("MATCH")(phrase)
        return match, base.select_from(fts.join(U, U.c.num == fts.c.rowid))


def new_row(user: NewUser, now: Any) -> dict[str, Any]:
    """The `users` row of a new user: a fresh id, the role's value, the folded org keys."""
    row = asdict(user)
    row.update(id=str(ObjectId()), role=Role(user.role).value, created_at=now, updated_at=now)
    return {**row, **org_keys(row)}


def user_of(row: Any) -> User:
    return User(
        id=row["id"],
        matricule=row["matricule"],
        nom=row["nom"] or "",
        prenom=row["prenom"] or "",
        password_hash=row["password_hash"] or "",
        role=Role(row["role"]),
        email=row["email"],
        profile_pic=row["profile_pic"],
        ministere=row["ministere"] or "",
        sexe=row["sexe"] or "",
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        active=bool(row.get("active", True)),
        direction=row.get("direction") or "",
        service=row.get("service") or "",
        poste=row.get("poste") or "",
        phone=row.get("phone"),
        locale=row.get("locale") or "fr",
        managed=bool(row.get("managed", False)),
    )
