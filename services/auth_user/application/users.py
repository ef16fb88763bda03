"""UserDirectory: reading, creating, updating and deleting user accounts."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from ..domain.avatar import checked_avatar
from ..domain.errors import (
    InvalidTokenError,
    LookupRateLimitedError,
    MatriculeTakenError,
    TooManyIdsError,
    UserNotFoundError,
)
from ..domain.model import MAX_BATCH_IDS, BatchResult, NewUser, Role, User, UserPage
from ..domain.org import ANY_UNIT, OrgFilter, OrgUnit, org_tree
from ..domain.policy import check_can_edit, check_can_manage_users
from . import audit
from .ports import PasswordHasher, ProfileCache, RequestLimiter, UserStore
from .sessions import SessionControl

logger = logging.getLogger(__name__)


class UserDirectory:
    def __init__(
        self,
        users: UserStore,
        hasher: PasswordHasher,
        cache: ProfileCache,
        sessions: SessionControl,
        limiter: RequestLimiter | None = None,
    ) -> None:
        self._users = users
        self._hasher = hasher
        self._cache = cache
        self._sessions = sessions
        self._limiter = limiter

    def admit_lookup(self, caller: str, action: str) -> None:
        """Count one directory read by `caller` (a user or a service) under `action`
        (`lookup` or `service-lookup`); RATE_LIMITED with the wait beyond its rate."""
        if self._limiter is None:
            return
        decision = self._limiter.check(action, caller)
        if not decision.allowed:
            self._sessions.audit.record(audit.RATE_LIMITED, detail=f"lookup {caller}")
            raise LookupRateLimitedError(retry_after=decision.retry_after_seconds)

    def get(self, ident: str) -> User:
        """A user by id, or by matricule when no id matches."""
        return _found(self._users.get(ident) or self._users.get_by_matricule(ident))

    def get_by_matricule(self, matricule: str) -> User:
        return _found(self._users.get_by_matricule(matricule))

    def batch(self, ids: Sequence[str], matricules: Sequence[str] = ()) -> BatchResult:
        """Users of up to 200 ids and matricules in all, one store query each; unknown or
        malformed ones are `missing`. Matricules serve the old clients, which sent them where
        ids are expected."""
        wanted = list(dict.fromkeys(i for i in ids if i))
        by_matricule = list(dict.fromkeys(m for m in matricules if m))
        if len(wanted) + len(by_matricule) > MAX_BATCH_IDS:
            raise TooManyIdsError()
        found = {u.id: u for u in self._users.get_many(wanted)} if wanted else {}
        named = (
            {u.matricule: u for u in self._users.get_many_by_matricule(by_matricule)}
            if by_matricule
            else {}
        )
        users = [found[i] for i in wanted if i in found]
        users += [named[m] for m in by_matricule if m in named and named[m].id not in found]
        return BatchResult(
            users=users,
            missing=[i for i in wanted if i not in found]
            + [m for m in by_matricule if m not in named],
        )

    def search(
        self, page: int, limit: int, query: str | None, org: OrgFilter = ANY_UNIT
    ) -> UserPage:
        users, total = self._users.search(query or None, (page - 1) * limit, limit, org)
        return UserPage(users=users, total=total, page=page, limit=limit)

    def org_units(self) -> OrgUnit:
        """The organisation as the directory describes it: ministères, their directions and
        services, each with its number of active agents."""
        return org_tree(self._users.org_units())

    def create(self, actor_id: str, fields: Mapping[str, Any]) -> User:
        check_can_manage_users(self.actor(actor_id))
        return self._add(fields)

    def update(
        self,
        actor_id: str,
        ident: str,
        fields: Mapping[str, Any],
        actor_session: str | None = None,
    ) -> User:
        """A password change ends the target's other sessions (all of them when an admin
        changes someone else's); a role change ends all of them (rights are in the tokens'
        users, re-read at the next login)."""
        check_can_edit(self.actor(actor_id), ident, fields)
        target = self.get(ident)
        changes = dict(fields)
        if "profile_pic" in changes:
            changes["profile_pic"] = checked_avatar(changes["profile_pic"])
        if "password" in changes:
            changes["password_hash"] = self._hasher.hash(changes.pop("password"))
        updated = _found(self._users.update(target.id, changes))
        self._cache.set(updated.profile())
        logger.info("user %s updated by %s (fields %s)", updated.id, actor_id, sorted(fields))
        self._end_sessions_after(target, updated, actor_id, actor_session, fields)
        return updated

    def _end_sessions_after(
        self,
        before: User,
        after: User,
        actor_id: str,
        actor_session: str | None,
        fields: Mapping[str, Any],
    ) -> None:
        if before.role is not after.role:
            self._sessions.audit.record(
                audit.ROLE_CHANGED, user_id=after.id, actor_id=actor_id, detail=after.role.value
            )
            self._sessions.end_user(after.id, "role_changed")
        elif "password" in fields:
            self._sessions.audit.record(audit.PASSWORD_CHANGED, user_id=after.id, actor_id=actor_id)
            keep = actor_session if actor_id == after.id else None
            self._sessions.end_others(after.id, keep, "password_changed")

    def set_active(self, actor_id: str, ident: str, active: bool) -> User:
        """Admin only. Deactivating ends every session of the user at once and refuses their
        logins; reactivating lets them log in again (old sessions stay ended)."""
        check_can_manage_users(self.actor(actor_id))
        target = self.get(ident)
        updated = _found(self._users.update(target.id, {"active": active}))
        kind = audit.REACTIVATED if active else audit.DEACTIVATED
        self._sessions.audit.record(kind, user_id=updated.id, actor_id=actor_id)
        if not active:
            self._sessions.end_user(updated.id, "deactivated")
        return updated

    def delete(self, actor_id: str, ident: str) -> User:
        check_can_manage_users(self.actor(actor_id))
        target = self.get(ident)
        if not self._users.delete(target.id):
            raise UserNotFoundError()
        self._cache.delete(target.id)
        self._sessions.audit.record(audit.DELETED, user_id=target.id, actor_id=actor_id)
        self._sessions.end_user(target.id, "deleted")
        return target

    def actor(self, actor_id: str) -> User:
        """The user a valid access token names; a token of a deleted user is no longer valid."""
        user = self._users.get(actor_id)
        if user is None:
            raise InvalidTokenError()
        return user

    def ensure(self, fields: Mapping[str, Any]) -> User | None:
        """Create the user unless the matricule exists (idempotent seeding); None if it did."""
        if self._users.get_by_matricule(fields["matricule"]) is not None:
            return None
        try:
            return self._add(fields)
        except MatriculeTakenError:
            return None

    def _add(self, fields: Mapping[str, Any]) -> User:
        data = dict(fields)
        if "profile_pic" in data:
            data["profile_pic"] = checked_avatar(data["profile_pic"])
        password = data.pop("password")
        data["role"] = Role(data.get("role", Role.USER))
        user = self._users.add(NewUser(password_hash=self._hasher.hash(password), **data))
        logger.info("user %s created (%s)", user.id, user.role.value)
        return user


def _found(user: User | None) -> User:
    """What the store returned, else USER_NOT_FOUND (no such user, or deleted meanwhile)."""
    if user is None:
        raise UserNotFoundError()
    return user
