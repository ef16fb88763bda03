"""`SqlDeviceStore`: push targets in `push_devices` (unique per user+deviceId and per token)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from libs.servicekit.sql_store import SqlStore
from services.chat_file.push.domain.devices import Device, Platform, by_user, token_hash
from services.chat_file.push.sql.tables import devices as D


class SqlDeviceStore(SqlStore):
    def register(self, device: Device) -> Device:
        try:
            return self._register(device)
        except sa.exc.IntegrityError:  # a concurrent registration of the same target won
            return self._register(device)

    def _register(self, device: Device) -> Device:
        digest = token_hash(device.token)
        mine = sa.and_(D.c.user_id == device.user_id, D.c.device_key == device.device_key)
        with self._engine.begin() as tx:
            tx.execute(D.delete().where(D.c.token_hash == digest, sa.not_(mine)))
            row = tx.execute(sa.select(D.c.id, D.c.created_at).where(mine)).first()
            if row is None:
                tx.execute(
                    D.insert().values(**_row(device), id=device.id, created_at=device.created_at)
                )
                return device
            tx.execute(D.update().where(D.c.id == row.id).values(**_row(device)))
        return replace(device, id=row.id, created_at=row.created_at)

    def list_for(self, user_id: str) -> list[Device]:
        return self.list_for_users([user_id]).get(user_id, [])

    def list_for_users(self, user_ids: list[str]) -> dict[str, list[Device]]:
        if not user_ids:
            return {}
        mine = D.c.user_id.in_(list(dict.fromkeys(user_ids)))
        query = sa.select(D).where(mine).order_by(D.c.created_at, D.c.id)
        with self._read.connect() as db:
            return by_user(_from_row(row) for row in db.execute(query))

    def delete(self, user_id: str, device_id: str) -> bool:
        with self._engine.begin() as tx:
            gone = tx.execute(D.delete().where(D.c.id == device_id, D.c.user_id == user_id))
            return bool(gone.rowcount)

    def delete_token(self, token: str) -> int:
        return self._delete(D.c.token_hash == token_hash(token))

    def delete_for_session(self, session_id: str) -> int:
        return self._delete(D.c.session_id == session_id)

    def delete_for_user(self, user_id: str, authenticated_up_to_ms: int) -> int:
        return self._delete(D.c.user_id == user_id, D.c.auth_ms <= authenticated_up_to_ms)

    def _delete(self, *where: Any) -> int:
        with self._engine.begin() as tx:
            return int(tx.execute(D.delete().where(*where)).rowcount)


def _row(d: Device) -> dict[str, Any]:
    return {
        "user_id": d.user_id,
        "device_key": d.device_key,
        "platform": d.platform.value,
        "token": d.token,
        "token_hash": token_hash(d.token),
        "subscription_keys": dict(d.keys),
        "app_version": d.app_version,
        "updated_at": d.created_at,
        "session_id": d.session_id,
        "auth_ms": d.auth_ms,
    }


def _from_row(row: Any) -> Device:
    return Device(
        id=row.id,
        user_id=row.user_id,
        platform=Platform(row.platform),
        token=row.token,
        device_key=row.device_key,
        app_version=row.app_version,
        created_at=row.created_at,
        keys=dict(row.subscription_keys or {}),
        session_id=row.session_id,
        auth_ms=int(row.auth_ms or 0),
    )
