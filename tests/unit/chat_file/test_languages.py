"""chat_file speaks French and English (issue 24): codes never change, `message` does.

HTTP: `Accept-Language` first, then the token's `locale` claim (the user's profile), else
French. Socket.IO: `auth.locale` at connect first, then the claim. Push: the recipient's
`locale` as the shared cache holds it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import fakeredis
from flask.testing import FlaskClient

from libs.usercache import UNKNOWN_USER_NAME, CachedUser
from services.chat_file.app import create_app
from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.facade import (
    Conversation,
    ConversationType,
    Message,
    MessageLookup,
    MessageType,
)
from services.chat_file.kernel.languages import chat_catalogue
from services.chat_file.push.application.fanout import PushFanout, in_language
from services.chat_file.push.domain.devices import Platform
from services.chat_file.push.domain.notifications import notification
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores

from .conftest import USERS, who
from .fakes import FakeProfileSource, bearer, token
from .push.fakes import FakeOnlineUsers
from .push.test_push_services import device

MISSING = "f" * 24


def missing_conversation(client: FlaskClient, **headers: str) -> dict[str, Any]:
    response = client.get(f"/messages?conversationId={MISSING}", headers=headers)
    assert response.status_code == 404
    body: dict[str, Any] = response.get_json()
    assert body["code"] == "CONVERSATION_NOT_FOUND"
    return body


def test_http_errors_are_french_by_default_and_follow_the_users_locale(
    client: FlaskClient,
) -> None:
    assert missing_conversation(client, **bearer("alice"))["message"] == "Conversation introuvable"
    english = missing_conversation(client, **bearer("alice", locale="en"))
    assert english["message"] == "Conversation not found"


def test_accept_language_overrides_the_profile_locale(client: FlaskClient) -> None:
    as_en = missing_conversation(client, **bearer("alice"), **{"Accept-Language": "en-GB,fr;q=0.5"})
    assert as_en["message"] == "Conversation not found"
    as_fr = missing_conversation(
        client, **bearer("alice", locale="en"), **{"Accept-Language": "fr"}
    )
    assert as_fr["message"] == "Conversation introuvable"
    # a language we do not speak is skipped: the next one, else the profile's
    other = missing_conversation(
        client, **bearer("alice", locale="en"), **{"Accept-Language": "de"}
    )
    assert other["message"] == "Conversation not found"


def test_errors_before_authentication_and_with_params_are_translated(client: FlaskClient) -> None:
    anonymous = client.get("/conversations", headers={"Accept-Language": "en"})
    assert anonymous.status_code == 401
    assert anonymous.get_json()["message"] == "Authentication token required"
    limit = client.get("/conversations?limit=5000", headers=bearer("alice", locale="en"))
    assert limit.get_json()["code"] == "INVALID_PAGINATION"
    assert limit.get_json()["message"] == "limit must be an integer from 1 to 100"
    unknown_route = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert unknown_route.get_json()["message"] == "Resource not found"
    assert client.get("/nowhere").get_json()["message"] == "Ressource introuvable"


def socket_app() -> Any:
    settings = Settings.from_env(
        {"APP_ENV": "test", "JWT_SECRET": SECRET, "CHAT_ASYNC_MODE": "threading"}
    )
    return create_app(
        settings,
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
    )


SECRET = "unit-languages-secret-0123456789abcdef-0123456789"


def refused_message(app: Any, auth: dict[str, Any]) -> str:
    client = app.extensions["socketio"].test_client(app, auth=auth)
    assert client.emit("sendMessage", {"content": 1}, callback=True)["code"]
    received = [e for e in client.get_received() if e["name"] == "error"]
    client.disconnect()
    return str(received[-1]["args"][0]["message"])


def test_socket_answers_follow_auth_locale_then_the_profile() -> None:
    app = socket_app()
    socketio = app.extensions["socketio"]
    french = socketio.test_client(app, auth={"token": token("alice", SECRET)})
    ack = french.emit("getMessages", {"conversationId": MISSING}, callback=True)
    assert (ack["code"], ack["message"]) == ("CONVERSATION_NOT_FOUND", "Conversation introuvable")
    profile_en = socketio.test_client(app, auth={"token": token("alice", SECRET, locale="en")})
    ack = profile_en.emit("getMessages", {"conversationId": MISSING}, callback=True)
    assert (ack["code"], ack["message"]) == ("CONVERSATION_NOT_FOUND", "Conversation not found")
    chosen = socketio.test_client(
        app, auth={"token": token("alice", SECRET, locale="en"), "locale": "fr"}
    )
    ack = chosen.emit("getMessages", {"conversationId": MISSING}, callback=True)
    assert ack["message"] == "Conversation introuvable"
    errors = [e["args"][0] for e in chosen.get_received() if e["name"] == "error"]
    assert errors[-1]["message"] == "Conversation introuvable"
    anonymous = socketio.test_client(app, auth={"locale": "en"})  # an old client, not yet known
    ack = anonymous.emit("getMessages", {"conversationId": MISSING}, callback=True)
    assert (ack["code"], ack["message"]) == ("MISSING_TOKEN", "Authentication token required")
    for client in (french, profile_en, chosen, anonymous):
        client.disconnect()


def test_a_refused_connection_says_why_in_the_asked_language() -> None:
    app = socket_app()
    socketio = app.extensions["socketio"]
    refused = socketio.test_client(app, auth={"token": "garbage", "locale": "en"})
    assert not refused.is_connected()
    hub = app.extensions["chat"].realtime
    assert hub.sessions._locales == {}  # nothing left behind by the refused socket


def fanout(chat: ChatServices) -> PushFanout:
    s = chat.adapters.stores
    return PushFanout(
        MessageLookup(s.conversations, s.messages, s.badges),
        s.devices,
        chat.directory,
        FakeOnlineUsers(),
        s.notification_settings,
    )


def test_push_texts_use_each_recipients_locale(chat: ChatServices, fakes: dict[str, Any]) -> None:
    cache = fakes["cache"]
    for user, locale in (("bob", "en"), ("carol", "fr")):
        cache.set_many([CachedUser.from_profile({**USERS[user], "locale": locale})])
        chat.adapters.stores.devices.register(device(user, Platform.WEBPUSH))
    chat.adapters.stores.devices.register(device("dave"))  # not in the cache: French
    members = ["bob", "carol", "dave"]
    group = chat.conversations.create(who("alice"), "GROUP", name="Projet", members=members)
    chat.push_bundle.notification_settings.update(who("bob"), {"previews": False})
    sent, _ = chat.messages.send(who("alice"), conversation_id=group[0]["id"], content="Salut")
    notes = {
        j["userId"]: j["notification"] for j in fanout(chat).jobs_for({"messageId": sent["id"]})
    }
    assert (notes["bob"]["title"], notes["bob"]["body"]) == ("Projet", "New message")
    assert (notes["carol"]["title"], notes["carol"]["body"]) == ("Projet", "Alice Mbarga : Salut")
    assert notes["dave"]["body"] == "Alice Mbarga : Salut"
    cache.set_many([CachedUser.from_profile({**USERS["carol"], "locale": "en"})])
    notes = {
        j["userId"]: j["notification"] for j in fanout(chat).jobs_for({"messageId": sent["id"]})
    }
    assert notes["carol"]["body"] == "Alice Mbarga: Salut"


def test_a_nameless_group_and_an_unknown_sender_are_named_in_the_recipients_language() -> None:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    group = replace(
        Conversation.private("c" * 24, "alice", "bob", when), type=ConversationType.GROUP
    )
    file = Message("m" * 24, "c" * 24, "alice", "", MessageType.IMAGE, when, file={"id": "f"})
    english = in_language(chat_catalogue(), "en")
    note = notification(group, file, UNKNOWN_USER_NAME, 1, True, english)
    assert (note["title"], note["body"]) == ("Group", "Unknown user: 📎 File")
    note = notification(group, file, UNKNOWN_USER_NAME, 1)
    assert (note["title"], note["body"]) == ("Groupe", "Utilisateur inconnu : 📎 Fichier")


def test_the_console_loads_its_english_texts_from_the_catalogue(client: FlaskClient) -> None:
    english = client.get("/i18n/en.json")
    assert english.status_code == 200
    texts = english.get_json()
    assert texts["Envoyer"] == "Send" and texts["hors ligne"] == "offline"
    assert client.get("/i18n/fr.json").get_json()["Envoyer"] == "Envoyer"
    assert client.get("/i18n/de.json").status_code == 404
    script = client.get("/i18n.js")
    assert script.status_code == 200 and b"window.i18n" in script.data
