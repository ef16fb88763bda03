"""Push device routes: register (upsert per deviceId), list, delete; the push configuration."""

from __future__ import annotations

from libs.servicekit.http import Reply, json_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.push.api.views import (
    DEVICE,
    DEVICE_DELETED,
    DEVICE_LIST,
    PUSH_CONFIG,
    DeviceDeletedView,
    DeviceListView,
    DeviceView,
    PushConfigView,
)
from services.chat_file.push.http.context import push
from services.chat_file.push.http.schemas import RegisterDeviceSchema

bp = protected_blueprint("devices", __name__)


@bp.post("/devices")
@documented(
    "Register a push target for the caller: {platform: fcm, token} or {platform: webpush, "
    "subscription}; the same deviceId again replaces it",
    body=RegisterDeviceSchema,
    response=DeviceView,
    status=201,
    errors=(*WRITE_ERRORS, "INVALID_DEVICE", "PUSH_ENDPOINT_REFUSED"),
    tags=["push"],
)
def register_device() -> Reply:
    device = push().devices.register(current_user(), load(RegisterDeviceSchema(), json_body()))
    return ok(DEVICE.dump_fast(device), 201, "Appareil enregistré")


@bp.get("/devices")
@documented("The caller's push targets", response=DeviceListView, errors=AUTH_ERRORS, tags=["push"])
def list_devices() -> Reply:
    return ok(DEVICE_LIST.dump_fast(push().devices.list_for(current_user())))


@bp.delete("/devices/<device_id>")
@documented(
    "Remove one of the caller's push targets (clients call it at logout)",
    response=DeviceDeletedView,
    errors=(*AUTH_ERRORS, "CSRF_FAILED", "DEVICE_NOT_FOUND"),
    tags=["push"],
)
def delete_device(device_id: str) -> Reply:
    return ok(DEVICE_DELETED.dump_fast(push().devices.remove(current_user(), device_id)))


@bp.get("/push/config")
@documented(
    "What clients need to subscribe: the VAPID public key; which providers are configured",
    response=PushConfigView,
    errors=AUTH_ERRORS,
    tags=["push"],
)
def push_config() -> Reply:
    return ok(PUSH_CONFIG.dump_fast(push().settings))
