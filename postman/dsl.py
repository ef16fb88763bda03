"""A small, readable way to declare Postman requests; `Call.item()` renders a v2.1 item.

Every request gets a test script asserting its status code and response shape:
- chat_file bodies (`envelope=True`): `{success: true, data}` and the `keys` inside `data`;
- auth_user bodies (raw payloads): the `keys` at the top level;
- deliberate errors (`error="CODE"`): `{success: false, message, code: CODE}` on both services;
- `checks`: extra `(title, javascript)` assertions, with `body` and `data` in scope;
- `save`: environment variables set from a javascript expression (`data.id`, ...).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

AUTH = "{{authUrl}}"
CHAT = "{{chatUrl}}"


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    url: str  # "{{chatUrl}}/messages/{{messageId}}": base variable, then the path, no query
    status: int | tuple[int, ...] = 200  # a tuple: any of these (get-or-create)
    token: str | None = None  # environment variable holding the Bearer token; None = no auth
    body: Any = None  # JSON body
    form: tuple[tuple[str, str, str], ...] = ()  # multipart parts: (key, "text"|"file", value)
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    envelope: bool = False  # chat_file's {success, data} success envelope
    keys: tuple[str, ...] = ()
    error: str | None = None
    checks: tuple[tuple[str, str], ...] = ()
    save: tuple[tuple[str, str], ...] = ()
    prerequest: tuple[str, ...] = ()
    raw: bool = False  # the response is not JSON (files, metrics, HTML)
    no_cookies: bool = False  # send no cookie (the jar holds session cookies from /login)
    description: str = ""

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": self.name, "event": self._events()}
        if self.no_cookies:
            item["protocolProfileBehavior"] = {"disableCookies": True}
        item["request"] = self._request()
        return item

    def _request(self) -> dict[str, Any]:
        headers = [{"key": k, "value": v} for k, v in self.headers]
        request: dict[str, Any] = {"method": self.method}
        if self.token is None:
            request["auth"] = {"type": "noauth"}
        else:
            bearer = [{"key": "token", "value": f"{{{{{self.token}}}}}", "type": "string"}]
            request["auth"] = {"type": "bearer", "bearer": bearer}
        if self.body is not None:
            headers.insert(0, {"key": "Content-Type", "value": "application/json"})
            request["body"] = {
                "mode": "raw",
                "raw": json.dumps(self.body, indent=2, ensure_ascii=False),
                "options": {"raw": {"language": "json"}},
            }
        elif self.form:
            parts = [
                {"key": k, "type": kind, "src" if kind == "file" else "value": v}
                for k, kind, v in self.form
            ]
            request["body"] = {"mode": "formdata", "formdata": parts}
        request["header"] = headers
        request["url"] = url_object(self.url, self.query)
        if self.description:
            request["description"] = self.description
        return request

    def _events(self) -> list[dict[str, Any]]:
        events = []
        if self.prerequest:
            events.append(_script("prerequest", list(self.prerequest)))
        events.append(_script("test", self.test_lines()))
        return events

    def test_lines(self) -> list[str]:
        lines = ["const env = (name) => pm.environment.get(name);"]
        if isinstance(self.status, tuple):
            codes = ", ".join(map(str, self.status))
            expect = f"pm.expect(pm.response.code).to.be.oneOf([{codes}]);"
            lines.append(_test(f"status is one of {codes}", expect))
        else:
            expect = f"pm.response.to.have.status({self.status});"
            lines.append(_test(f"status is {self.status}", expect))
        if not self.raw:
            lines += [
                "let body = null;",
                "try { body = pm.response.json(); } catch (e) { body = null; }",
                _test("JSON object body", "pm.expect(body).to.be.an('object');"),
                "const data = body && %s;" % ("body.data" if self.envelope else "body"),
            ]
        if self.error is not None:
            lines.append(
                _test(
                    f"error code {self.error}",
                    "pm.expect(body.success).to.equal(false); "
                    f"pm.expect(body.code).to.equal({json.dumps(self.error)}); "
                    "pm.expect(body.message).to.be.a('string').and.not.empty;",
                )
            )
        elif self.envelope and not self.raw:
            lines.append(
                _test(
                    "success envelope",
                    "pm.expect(body.success).to.equal(true); "
                    "pm.expect(body).to.have.property('data');",
                )
            )
        if self.keys:
            listed = ", ".join(json.dumps(k) for k in self.keys)
            lines.append(
                _test(
                    f"shape: {', '.join(self.keys)}",
                    f"pm.expect(data).to.include.all.keys({listed});",
                )
            )
        lines += [_test(title, code) for title, code in self.checks]
        if self.save:  # only from the expected answer: a failure must not clobber variables
            codes = self.status if isinstance(self.status, tuple) else (self.status,)
            lines.append(f"if ([{', '.join(map(str, codes))}].includes(pm.response.code)) {{")
            for variable, expression in self.save:
                setter = f"pm.environment.set({json.dumps(variable)}, {expression});"
                lines.append(f"  try {{ {setter} }} catch (e) {{}}")
            lines.append("}")
        # Newman runs every script of a run in one context: keep `body`/`data` local.
        return ["(function () {", *lines, "})();"]


def url_object(url: str, query: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    host, _, path = url.partition("}}")
    host += "}}"
    segments = path.lstrip("/").split("/")
    raw = url + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
    result: dict[str, Any] = {"raw": raw, "host": [host], "path": segments}
    if query:
        result["query"] = [{"key": k, "value": v} for k, v in query]
    return result


def folder(name: str, description: str, calls: list[Call]) -> dict[str, Any]:
    return {"name": name, "description": description, "item": [c.item() for c in calls]}


def _test(title: str, code: str) -> str:
    return f"pm.test({json.dumps(title, ensure_ascii=False)}, function () {{ {code} }});"


def _script(listen: str, lines: list[str]) -> dict[str, Any]:
    return {"listen": listen, "script": {"type": "text/javascript", "exec": lines}}


def auth(name: str, method: str, path: str, **options: Any) -> Call:
    """A request to auth_user (raw JSON payloads on success)."""
    return Call(name, method, AUTH + path, **options)


def chat(name: str, method: str, path: str, **options: Any) -> Call:
    """A request to chat_file ({success, data} envelope), as user 1 unless `token` says."""
    options.setdefault("token", "accessToken")
    return Call(name, method, CHAT + path, envelope=True, **options)


def env(name: str) -> str:
    """Javascript reading an environment variable (`env` is defined in every test script)."""
    return f"env('{name}')"


def header(name: str, expected: str) -> tuple[str, str]:
    return (
        f"{name}: {expected}",
        f"pm.expect(pm.response.headers.get('{name}')).to.include('{expected}');",
    )
