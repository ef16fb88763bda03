"""`python -m scripts.catalogue`: the texts the servers produce, and the `.po` files that hold them.

Which texts: every `CodedError` subclass's `message`; every literal message given to a coded
error, to `error_body`/`error_response`, to `ok(message=)` or to a socket `refusal`; every text
marked with `N_("...")` (push texts, socket answers, the HTTP fallbacks); and each web console's
texts (`data-i18n` elements and `data-i18n-attr` attributes of its page, `t("...")` in its
scripts). A text lives in the catalogue of the tree that produces it: `libs/` →
`libs/servicekit/locales`, each service → its own `locales/`, each console → its `locales/`.

Run it after adding, changing or removing a text: missing entries are appended (French: the text
itself; English: empty, to be written) and entries no source produces any more are removed. The
completeness test (tests/unit/test_catalogues.py) fails while an English entry is missing or a
stale one is left.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from libs.servicekit.errors import CodedError
from libs.servicekit.i18n import LOCALES, SHARED_LOCALES, po_path

ROOT = Path(__file__).resolve().parents[1]
TREES = {  # source tree → the catalogue directory of its texts
    ROOT / "libs": SHARED_LOCALES,
    ROOT / "services" / "auth_user": ROOT / "services" / "auth_user" / "locales",
    ROOT / "services" / "chat_file": ROOT / "services" / "chat_file" / "locales",
}
CONSOLES = {  # a web console's static files → its catalogue directory
    ROOT / "services" / "chat_file" / "console" / "static": (
        ROOT / "services" / "chat_file" / "console" / "locales"
    ),
    ROOT / "services" / "auth_user" / "interfaces" / "web" / "static": (
        ROOT / "services" / "auth_user" / "interfaces" / "web" / "locales"
    ),
}
JS_TEXT = re.compile(r'\bt\(\s*("(?:[^"\\]|\\.)*")')  # t("...") in a console script
PACKAGES = ("libs", "services.auth_user", "services.chat_file")
SKIPPED = ("serve", "migrations", "__main__")  # monkey patching, alembic scripts
MESSAGE_CALLS = {"error_body": 1, "error_response": 1, "refusal": 0, "N_": 0, "localized": 0}


def coded_errors() -> list[type[CodedError]]:
    """Every CodedError subclass of our packages (each module imported: none does I/O)."""
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not any(part in SKIPPED for part in module.name.split(".")):
                importlib.import_module(module.name)
    found: list[type[CodedError]] = []
    pending: list[type[CodedError]] = [CodedError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [c for c in found if c.__module__.split(".")[0] in ("libs", "services")]


def _constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to a text, or to a dict/tuple of texts."""
    bound: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            texts = [
                n.value
                for n in ast.walk(node.value)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and " " in n.value
            ]
            for target in targets:
                if isinstance(target, ast.Name) and texts:
                    bound[target.id] = texts
    return bound


def _texts_of(arg: ast.expr, constants: dict[str, list[str]]) -> list[str] | None:
    """The texts an argument may be; None when it is built at run time (an f-string, `+`,
    `%`, `.format`). Any other expression (a parameter, `exc.message`) passes on a text
    counted where it was written."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.Name):
        return constants.get(arg.id, [])
    if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name):
        return constants.get(arg.value.id, [])
    if isinstance(arg, ast.JoinedStr | ast.BinOp):
        return None
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute):
        return None if arg.func.attr == "format" else []
    return []


def _call_name(node: ast.Call) -> str | None:
    """A plain name (`ok`, `N_`, `SomeError`), or `module.SomeError`'s last part."""
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute) and node.func.attr.endswith("Error"):
        return node.func.attr
    return None


def source_texts(error_names: set[str]) -> tuple[dict[Path, set[str]], list[str]]:
    """Texts found in the sources, by catalogue directory; and the messages built at run time
    (which no catalogue can hold: they must become a template with params)."""
    texts: dict[Path, set[str]] = defaultdict(set)
    dynamic: list[str] = []
    for tree_root, directory in TREES.items():
        for path in sorted(tree_root.rglob("*.py")):
            if any(part in SKIPPED for part in path.with_suffix("").parts):
                continue
            module = ast.parse(path.read_text(encoding="utf-8"))
            constants = _constants(module)
            for node in ast.walk(module):
                if not isinstance(node, ast.Call):
                    continue
                name = _call_name(node)
                arg: ast.expr | None = None
                if name in MESSAGE_CALLS and len(node.args) > MESSAGE_CALLS[name]:
                    arg = node.args[MESSAGE_CALLS[name]]
                elif name in error_names and node.args:
                    arg = node.args[0]
                elif name == "ok":
                    arg = next((k.value for k in node.keywords if k.arg == "message"), None)
                if arg is None:
                    continue
                found = _texts_of(arg, constants)
                if found is None:
                    dynamic.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                else:
                    texts[directory].update(found)
    return texts, dynamic


class _MarkedTexts(HTMLParser):
    """The texts of a console page: elements marked `data-i18n` (their own text) and the
    attributes named by `data-i18n-attr`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: set[str] = set()
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-i18n" in found:
            self._open = []
        for name in (found.get("data-i18n-attr") or "").split():
            if found.get(name):
                self.texts.add(" ".join(str(found[name]).split()))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None:
            text = " ".join("".join(self._open).split())
            if text:
                self.texts.add(text)
            self._open = None


def console_texts() -> dict[Path, set[str]]:
    """The texts of each web console: its page's marked texts, its scripts' `t("...")`."""
    texts: dict[Path, set[str]] = defaultdict(set)
    for static, directory in CONSOLES.items():
        for page in sorted(static.glob("*.html")):
            parser = _MarkedTexts()
            parser.feed(page.read_text(encoding="utf-8"))
            texts[directory].update(parser.texts)
        for script in sorted(static.glob("*.js")):
            for literal in JS_TEXT.findall(script.read_text(encoding="utf-8")):
                texts[directory].add(json.loads(literal))
    return texts


def all_texts() -> tuple[dict[Path, set[str]], list[str]]:
    errors = coded_errors()
    texts, dynamic = source_texts({cls.__name__ for cls in errors})
    for directory, found in console_texts().items():
        texts[directory].update(found)
    for cls in errors:
        source = Path(importlib.import_module(cls.__module__).__file__ or "")
        tree_root = next(root for root in TREES if source.is_relative_to(root))
        if "message" in vars(cls):
            texts[TREES[tree_root]].add(vars(cls)["message"])
    return texts, dynamic


def update() -> None:
    texts, dynamic = all_texts()
    for directory in [*TREES.values(), *CONSOLES.values()]:
        for locale in LOCALES:
            path = po_path(directory, locale)
            if path.exists():
                with path.open("rb") as source:
                    catalog = read_po(source, locale=locale)
            else:
                catalog = Catalog(locale=locale, project="ngomna chat", fuzzy=False)
            wanted = texts.get(directory, set())
            for text in sorted(wanted):
                if text not in catalog:
                    catalog.add(text, text if locale == "fr" else "")
            for stale in [m.id for m in catalog if m.id and m.id not in wanted]:
                del catalog[stale]  # no source produces it any more
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as target:
                write_po(target, catalog, width=100, omit_header=False)
    for where in dynamic:
        print(f"message built at run time (make it a template with params): {where}")


if __name__ == "__main__":
    update()
