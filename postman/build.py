"""Generate the Postman collection and environment from the readable definitions.

    python -m postman.build          # rewrite postman/*.postman_*.json
    python -m postman.build --check  # exit 1 if the committed JSON differs from the definitions

The requests live in one module per folder (*_requests.py); dsl.py says what each test script
asserts. tests/unit/test_postman_build.py keeps the JSON in step.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .account_requests import ACCOUNT_FOLDER
from .admin_requests import ADMIN_FOLDER
from .announcements_requests import ANNOUNCEMENTS_FOLDER
from .auth_requests import AUTH_FOLDER, DEFAULT_MATRICULES, LOGOUT_FOLDER
from .conversations_requests import CONVERSATIONS_FOLDER
from .dsl import folder
from .files_requests import FILES_FOLDER
from .message_actions_requests import MESSAGE_ACTIONS
from .messages_requests import MESSAGES_FOLDER
from .moderation_requests import MODERATION_FOLDER
from .ops_requests import OPS_FOLDER
from .push_requests import PUSH_FOLDER, SETTINGS_FOLDER
from .sync_requests import SYNC_FOLDER
from .users_requests import USERS_FOLDER

HERE = Path(__file__).resolve().parent
COLLECTION_PATH = HERE / "ngomna-chat.postman_collection.json"
ENVIRONMENT_PATH = HERE / "ngomna-chat.postman_environment.json"
SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

DESCRIPTION = """Every route of auth_user and chat_file, in run order: the Auth folder logs the \
demo users in and stores their tokens and ids in the environment; later folders use them. \
Run the whole collection (Collection Runner, or `newman run ... --working-dir postman`). \
tests/integration/test_postman_sync.py fails when a route is missing here."""

# (key, value, secret): configuration first, then what the test scripts store at run time.
CONFIG = [
    ("authUrl", "http://127.0.0.1:8001", False),
    ("chatUrl", "http://127.0.0.1:8003", False),
    ("password", "Ngomna2026!", True),
    *((f"{user}Matricule", matricule, False) for user, matricule in DEFAULT_MATRICULES.items()),
    ("unknownId", "ffffffffffffffffffffffff", False),
    ("unknownMatricule", "PM-NOBODY", False),
    ("badToken", "not-a-jwt", False),
]
RUNTIME = [
    ("accessToken", True),
    ("refreshToken", True),
    ("userId", False),
    ("spentRefreshToken", True),
    ("user2Token", True),
    ("user2RefreshToken", True),
    ("user2Id", False),
    ("user3Token", True),
    ("user3RefreshToken", True),
    ("user3Id", False),
    ("user4Token", True),
    ("user4RefreshToken", True),
    ("user4SpentRefreshToken", True),
    ("user4Id", False),
    ("adminToken", True),
    ("adminRefreshToken", True),
    ("adminId", False),
    ("csrfRefreshToken", True),
    ("tempMatricule", False),
    ("tempUserId", False),
    ("importId", False),
    ("conversationId", False),
    ("groupId", False),
    ("group2Id", False),
    ("broadcastId", False),
    ("temporaryId", False),
    ("messageId", False),
    ("secondMessageId", False),
    ("fileId", False),
    ("fileSize", False),
    ("pushDeviceId", False),
    ("syncToken", False),
    ("announceBroadcastId", False),
    ("announcementId", False),
    ("modMessageId", False),
    ("reportId", False),
    ("holdId", False),
]

NO_SERVER_ERROR = [
    "pm.test('no server error', function () { pm.expect(pm.response.code).to.be.below(500); });"
]


def collection() -> dict[str, Any]:
    folders = [
        folder(
            "Auth", "Logins (tokens stored), validate, refresh rotation and reuse.", AUTH_FOLDER
        ),
        folder("Users", "auth_user directory; admin writes on a throwaway user.", USERS_FOLDER),
        folder(
            "Account", "Self service: the caller's account, language, password.", ACCOUNT_FOLDER
        ),
        folder("Admin", "Directory imports (admins).", ADMIN_FOLDER),
        folder(
            "Conversations", "Private, group and broadcast conversations.", CONVERSATIONS_FOLDER
        ),
        folder(
            "Messages",
            "Send, history, edit, receipts, reactions, search, delete.",
            [*MESSAGES_FOLDER, *MESSAGE_ACTIONS],
        ),
        folder("Files", "Upload, metadata, download, thumbnail, list, delete.", FILES_FOLDER),
        folder(
            "Push",
            "Push devices (FCM, Web Push), push configuration, notification settings.",
            [*PUSH_FOLDER, *SETTINGS_FOLDER],
        ),
        folder("Sync", "The caller's changes since a token (GET /sync).", SYNC_FOLDER),
        folder(
            "Announcements",
            "Broadcasts to org units and agents: priority, acknowledgement, census.",
            ANNOUNCEMENTS_FOLDER,
        ),
        folder(
            "Moderation",
            "Reports, moderator actions, suspension, retention, legal holds, audit, blocks.",
            MODERATION_FOLDER,
        ),
        folder("Ops", "Health, readiness, metrics and API docs of both services.", OPS_FOLDER),
        folder("Logout", "Ends the sessions opened in Auth.", LOGOUT_FOLDER),
    ]
    return {
        "info": {
            "_postman_id": "5d0c3b1e-6a57-4f0e-9d38-0a0a0c4a71ee",
            "name": "ngomna chat",
            "description": DESCRIPTION,
            "schema": SCHEMA,
        },
        "event": [
            {"listen": "test", "script": {"type": "text/javascript", "exec": NO_SERVER_ERROR}}
        ],
        "item": folders,
    }


def environment() -> dict[str, Any]:
    values = [
        {"key": k, "value": v, "type": "secret" if secret else "default", "enabled": True}
        for k, v, secret in CONFIG
    ]
    values += [
        {"key": k, "value": "", "type": "secret" if secret else "default", "enabled": True}
        for k, secret in RUNTIME
    ]
    return {
        "id": "9b7e2f4c-1d3a-4c5b-8e6f-0a0a0c4a71ef",
        "name": "ngomna chat (local)",
        "values": values,
        "_postman_variable_scope": "environment",
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    return {COLLECTION_PATH: render(collection()), ENVIRONMENT_PATH: render(environment())}


def main(argv: list[str]) -> int:
    stale = [p for p, text in outputs().items() if not p.exists() or p.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.name} is out of date: run python -m postman.build", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs().items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
