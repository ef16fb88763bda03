"""Push device routes: register (upsert per deviceId), list, delete; the push configuration."""

from __future__ import annotations

from libs.servicekit.http import Reply, json_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.push.http.context import push
from services.chat_file.push.http.schemas import (
    DeviceDeletedDoc,
    DeviceDoc,
    DeviceListDoc,
    PushConfigDoc,
    RegisterDeviceSchema,
)

bp = protected_blueprint("devices", __name__)


@bp.post("/devices")
@documented(
    "Register a push target for the caller: {platform: fcm, token} or {platform: webpush, "
    "subscription}; the same deviceId again replaces it",
    body=RegisterDeviceSchema,
    response=DeviceDoc,
    status=201,
    errors=(*WRITE_ERRORS, "INVALID_DEVICE"),
    tags=["push"],
)
def register_device() -> Reply:
    device = push().devices.register(current_user(), load(RegisterDeviceSchema(), json_body()))
    return ok(device, 201, "Appareil enregistré")


@bp.get("/devices")
@documented("The caller's push targets", response=DeviceListDoc, errors=AUTH_ERRORS, tags=["push"])
def list_devices() -> Reply:
    return ok(push().devices.list_for(current_user()))


@bp.delete("/devices/<device_id>")
@documented(
    "Remove one of the caller's push targets (clients call it at logout)",
    response=DeviceDeletedDoc,
    errors=(*AUTH_ERRORS, "CSRF_FAILED", "DEVICE_NOT_FOUND"),
    tags=["push"],
)
def delete_device(device_id: str) -> Reply:
    return ok(push().devices.remove(current_user(), device_id))


@bp.get("/push/config")
@documented(
    "What clients need to subscribe: the VAPID public key; which providers are configured",
    response=PushConfigDoc,
    errors=AUTH_ERRORS,
    tags=["push"],
)
def push_config() -> Reply:
    config = push().settings
    data = {
        "vapidPublicKey": config.vapid_public_key or None,
        "webpush": config.webpush_ready,
        "fcm": config.fcm_ready,
    }
    return ok(data)
