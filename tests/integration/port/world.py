"""A small world written through the services' own HTTP interfaces (both apps in-process),
and what every user sees of it: the port must leave that view unchanged.

The world touches every table: users (and a directory import: its job, one agent pending
activation, a unit moved); a group and a private conversation with members,
messages, read receipts, an edit, a reaction, a message hidden for one user, one deleted for
everyone; a shared picture (file metadata and its link to the conversation).
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.security.conftest import PASSWORD, Stack, bearer
from tests.support.waiting import wait_until
from tests.unit.chat_file.files import samples


@dataclass
class World:
    matricules: dict[str, str]  # name -> matricule
    conversations: list[str] = field(default_factory=list)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def fill(stack: Stack) -> World:
    tag = uuid.uuid4().hex[:6].upper()
    world = World({name: f"PORT{tag}{name.upper()}" for name in ("alice", "bob", "carol")})
    ids = _people(stack, world)
    alice, bob, carol = (bearer(stack.login(m)["accessToken"]) for m in world.matricules.values())
    chat = stack.chat
    group = {"name": "Équipe portage", "members": [ids["bob"], ids["carol"]]}
    gid = ok(chat.post("/groups", json=group, headers=alice))["data"]["id"]
    sent = [
        ok(chat.post("/messages", json=body, headers=alice))["data"]
        for body in (
            {"conversationId": gid, "content": "Réunion demain avec Hélène", "temporaryId": "t1"},
            {"conversationId": gid, "content": "Ordre du jour à venir"},
            {"receiverId": ids["bob"], "content": "Bonjour Bob, la réunion tient ?"},
        )
    ]
    pid = sent[2]["conversationId"]
    ok(chat.post("/messages", json={"conversationId": pid, "content": "Oui."}, headers=bob))
    picture = {"conversationId": gid, "file": (io.BytesIO(samples.png((32, 24))), "plan.png")}
    uploaded = ok(chat.post("/files/upload", data=picture, headers=carol))["data"]
    shared = {"conversationId": gid, "content": "le plan", "fileId": uploaded["id"]}
    ok(chat.post("/messages", json={**shared, "type": "IMAGE"}, headers=carol))
    first, second = sent[0]["messageId"], sent[1]["messageId"]
    edit = {"content": "Réunion demain avec Hélène, 9 h"}
    ok(chat.put(f"/messages/{first}", json=edit, headers=alice))
    ok(chat.post(f"/messages/{first}/reactions", json={"emoji": "👍"}, headers=bob))
    ok(chat.put(f"/conversations/{gid}/read", json={"messageId": first}, headers=bob))
    ok(chat.put(f"/conversations/{pid}/read", json={}, headers=alice))
    ok(chat.put(f"/messages/{second}/status", json={"status": "DELIVERED"}, headers=carol))
    ok(chat.delete(f"/messages/{second}?scope=me", headers=bob))
    oops = {"conversationId": gid, "content": "oups"}
    last = ok(chat.post("/messages", json=oops, headers=alice))["data"]["messageId"]
    ok(chat.delete(f"/messages/{last}?scope=everyone", headers=alice))
    world.conversations = [gid, pid]
    return world


def _people(stack: Stack, world: World) -> dict[str, str]:
    """The admin creates the world's users; their ids by name."""
    admin = bearer(stack.login("ADMIN001")["accessToken"])
    ids = {}
    for name, matricule in world.matricules.items():
        user = {"matricule": matricule, "nom": "Béranger", "prenom": name.title()}
        created = stack.auth.post("/", json={**user, "password": PASSWORD}, headers=admin)
        ids[name] = ok(created)["id"]
    _imported(stack, admin, world)
    return ids


def _imported(stack: Stack, admin: dict[str, str], world: World) -> None:
    """A directory import creates one agent (pending activation) and moves alice's unit."""
    rows = [f"{world.matricules['alice']},Béranger,Alice,Ministère des Finances,Budget"]
    rows.append(f"PORT{world.matricules['alice'][4:10]}NEW,Nouvel,Agent,Ministère de la Santé,")
    data = ("matricule,nom,prenom,ministere,direction\n" + "\n".join(rows) + "\n").encode()
    form = {"file": (io.BytesIO(data), "agents.csv"), "force": "true"}
    started = stack.auth.post("/admin/directory/imports", data=form, headers=admin)
    assert started.status_code == 202, started.get_json()
    job_url = f"/admin/directory/imports/{started.get_json()['id']}"

    def ended() -> str | None:
        status: str = ok(stack.auth.get(job_url, headers=admin))["status"]
        return None if status == "running" else status

    assert wait_until(ended) == "succeeded"


def view(stack: Stack, world: World) -> dict[str, Any]:
    """Everything each user reads, after logging in with their password on `stack`."""
    seen: dict[str, Any] = {}
    chat = stack.chat
    for name, matricule in world.matricules.items():
        token = bearer(stack.login(matricule)["accessToken"])
        seen[name] = ok(chat.get("/conversations?limit=100", headers=token))["data"]
        for cid in world.conversations:
            page = chat.get(f"/messages?conversationId={cid}&limit=100", headers=token)
            files = chat.get(f"/files/conversation/{cid}", headers=token)
            seen[f"{name} {cid}"] = (page.get_json(), files.get_json())
        for query in ("reunion helene", "RÉUNION", "ordre"):
            found = ok(chat.get(f"/messages/search?q={query}", headers=token))["data"]
            seen[f"{name} search {query}"] = sorted(m["messageId"] for m in found["messages"])
    admin = bearer(stack.login("ADMIN001")["accessToken"])
    seen["directory"] = ok(stack.auth.get("/all?limit=100", headers=admin))
    seen["directory search"] = ok(stack.auth.get("/all?q=Béranger", headers=admin))
    seen["org units"] = ok(stack.auth.get("/org/units", headers=admin))
    seen["finances"] = ok(
        stack.auth.get("/all?ministere=ministere%20des%20finances", headers=admin)
    )
    seen["imports"] = ok(stack.auth.get("/admin/directory/imports", headers=admin))
    return seen
