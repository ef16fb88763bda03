"""Retention on the store fakes: the override routes (compliance and admin only, audited, bad
input refused) and the run: the global policy, an override that keeps a conversation for ever
and a longer one, files discarded once no message carries them, a rerun that deletes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.chat_file.bootstrap import ChatServices
from services.chat_file.kernel.clock import utc_now
from services.chat_file.moderation.domain.retention import PurgeReport
from services.chat_file.moderation.wiring import retention_service
from services.chat_file.settings import Settings

from ..conftest import who
from ..conversations.test_views import assert_documented, response_schema
from ..fakes import bearer

COMPLIANCE = {"role": "compliance"}


class RecordingDisposal:
    def __init__(self) -> None:
        self.discarded: list[str] = []

    def discard(self, file_id: str) -> None:
        self.discarded.append(file_id)


def call(client: FlaskClient, method: str, path: str, body: Any = None, **claims: Any) -> Any:
    return client.open(path, method=method, json=body, headers=bearer("cora", **claims))


def test_overrides_are_set_listed_and_dropped_by_compliance_only(
    client: FlaskClient, chat: ChatServices
) -> None:
    spec = client.get("/openapi.json").get_json()
    cid = chat.conversations.create(who("alice"), "PRIVATE", participant_id="bob")[0]["id"]
    path = f"/moderation/conversations/{cid}/retention"
    for role in ("user", "moderator", None):
        refused = call(client, "PUT", path, {"days": 30}, role=role)
        assert refused.status_code == 403 and refused.get_json()["code"] == "COMPLIANCE_REQUIRED"
    done = call(client, "PUT", path, {"days": 30}, **COMPLIANCE)
    assert done.status_code == 200, done.get_json()
    data = done.get_json()["data"]
    assert (data["conversationId"], data["days"], data["setBy"]) == (cid, 30, "cora")
    route = "/moderation/conversations/{conversation_id}/retention"
    assert_documented(spec, response_schema(spec, "put", route), data, "put")
    listed = call(client, "GET", "/moderation/retention", role="admin").get_json()["data"]
    assert listed["globalDays"] == 0 and [o["days"] for o in listed["overrides"]] == [30]
    assert_documented(spec, response_schema(spec, "get", "/moderation/retention"), listed, "get")
    for days in (-1, 36_501, "30", 1.5, True):
        bad = call(client, "PUT", path, {"days": days}, **COMPLIANCE)
        assert bad.status_code == 400 and bad.get_json()["code"] == "INVALID_RETENTION", days
    assert call(client, "PUT", path, {}, **COMPLIANCE).get_json()["code"] == "VALIDATION_ERROR"
    missing = call(
        client, "PUT", f"/moderation/conversations/{'e' * 24}/retention", {"days": 1}, **COMPLIANCE
    )
    assert missing.status_code == 404 and missing.get_json()["code"] == "CONVERSATION_NOT_FOUND"
    dropped = call(client, "DELETE", path, **COMPLIANCE).get_json()["data"]
    assert dropped == {"globalDays": 0, "overrides": []}
    actions = [(e.action, e.target_id) for e in chat.moderation_bundle.audit.recent()]
    assert actions[:2] == [("retention.removed", cid), ("retention.set", cid)]


@pytest.fixture
def files(fakes: dict[str, Any]) -> RecordingDisposal:
    for name in ("old", "both"):
        fakes["attachments"].files[name] = {
            "id": name,
            "name": f"{name}.png",
            "uploadedBy": "alice",
        }
    return RecordingDisposal()


def test_a_run_applies_the_global_policy_and_the_overrides(
    chat: ChatServices, settings: Settings, files: RecordingDisposal
) -> None:
    alice = who("alice")
    plain = chat.conversations.create(alice, "PRIVATE", participant_id="bob")[0]["id"]
    forever = chat.conversations.create(alice, "PRIVATE", participant_id="carol")[0]["id"]
    longer = chat.conversations.create(alice, "PRIVATE", participant_id="dave")[0]["id"]
    for cid in (plain, forever, longer):
        for n in range(3):
            chat.messages.send(alice, conversation_id=cid, content=f"m{n}")
    chat.messages.send(alice, conversation_id=plain, content="a", type="IMAGE", file_id="old")
    chat.messages.send(alice, conversation_id=plain, content="b", type="IMAGE", file_id="both")
    chat.messages.send(alice, conversation_id=longer, content="c", type="IMAGE", file_id="both")
    compliance = who("cora")
    compliance = replace(compliance, role="compliance")
    bundle = chat.moderation_bundle.retention
    bundle.set_override(compliance, forever, 0)
    bundle.set_override(compliance, longer, 365)
    stores = chat.adapters.stores
    config = replace(
        settings, moderation=replace(settings.moderation, retention_days=30, retention_batch=2)
    )

    def run(days_later: int) -> PurgeReport:
        later = utc_now() + timedelta(days=days_later)
        return retention_service(config, stores, files, lambda: later).run()

    assert run(10) == PurgeReport(0, 0, 0, 2)  # nothing is 30 days old yet
    first = run(40)
    assert (first.messages, first.batches, first.files) == (5, 3, 1)  # plain: 5 messages by 2
    assert files.discarded == ["old"]  # "both" is still in the longer conversation
    assert chat.messages.history(alice, plain)["messages"] == []
    assert len(chat.messages.history(alice, forever)["messages"]) == 3
    assert len(chat.messages.history(alice, longer)["messages"]) == 4
    assert run(40).messages == 0  # a rerun deletes nothing
    assert chat.conversations.get(alice, plain)["lastMessage"] is None
    later = run(400)
    assert later.messages == 4 and files.discarded == ["old", "both"]
    assert len(chat.messages.history(alice, forever)["messages"]) == 3  # kept for ever
    assert chat.conversations.list_for(who("dave"))["totalUnreadMessages"] == 0
