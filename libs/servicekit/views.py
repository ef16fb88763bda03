"""`View`: a marshmallow schema that is both the documentation of a wire shape (OpenAPI comes
from its fields) and the code that produces it.

A view turns a typed result into its JSON shape in two steps: `extract(result)` computes every
value once (a mapping keyed by field name), then the declared fields pick, name and order them
(`data_key` renames; a `fields.Function` reads the values: an alias repeats another one).
marshmallow's own `dump` runs
the same two steps (`extract` as a `pre_dump`), so what is documented is what is returned.
`dump_fast` runs a plan compiled once from the fields, for the hot paths (pages of 50
messages); the fields' values are already JSON types, so it copies them where marshmallow
would convert them again, and `View.check_fast` (run by the tests on every view) holds the two
dumps equal. Nested views and lists of them are followed; a value `extract` leaves out (or
sets to `marshmallow.missing`) is left out of the output, as marshmallow does. A view whose
values come already in its shape (a mapping with only its fields, made by the view that nests
it) says `shaped = True`: `dump_fast` hands the mapping on as it is (the participants of a
conversation page are a thousand such objects); `check_fast` still compares it with
marshmallow's dump.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from marshmallow import Schema, fields, missing, pre_dump

# (key out, value in, nested dump, or the function that computes it from all the values)
Step = tuple[str, str, Callable[[Any], Any] | None, Callable[[Any], Any] | None]


class View(Schema):
    shaped: ClassVar[bool] = False  # `extract`'s mappings are the output already
    _plans: ClassVar[dict[type, Callable[[Mapping[str, Any]], dict[str, Any]]]] = {}

    def extract(self, result: Any) -> Mapping[str, Any]:
        """Every value of the shape, by field name (attribute); a mapping passes through."""
        return result

    @pre_dump(pass_collection=False)
    def _extract(self, result: Any, **_: Any) -> Mapping[str, Any]:
        return self.extract(result)

    def dump_fast(self, result: Any) -> dict[str, Any]:
        if self.shaped:
            return dict(self.extract(result))
        return self._plan()(self.extract(result))

    def dump_many_fast(self, results: Iterable[Any]) -> list[dict[str, Any]]:
        if self.shaped:  # already their own objects: handed on (a copy of the list)
            return list(results)
        return [self.dump_fast(result) for result in results]

    def check_fast(self, result: Any) -> dict[str, Any]:
        """Both dumps of `result`, which must be equal (tests call it on every view)."""
        fast, slow = self.dump_fast(result), self.dump(result)
        if fast != slow:
            raise AssertionError(f"{type(self).__name__}: fast dump {fast} != dump {slow}")
        return fast

    def _plan(self) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
        plan = View._plans.get(type(self))
        if plan is None:
            steps = [
                (field.data_key or name, field.attribute or name, _nested(field), _computed(field))
                for name, field in self.dump_fields.items()
            ]
            plan = View._plans[type(self)] = _compiled(steps)
        return plan


def _compiled(steps: list[Step]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """One function that builds the output in field order, unrolled (no loop over fields):
    generated once per view class, like `dataclasses` generates `__init__`."""
    lines = ["def dump(values):", "    out = {}", "    get = values.get"]
    scope: dict[str, Any] = {"missing": missing}
    for n, (key, name, nested, compute) in enumerate(steps):
        if compute is not None:
            scope[f"compute_{n}"] = compute
            lines.append(f"    value = compute_{n}(values)")
        else:
            lines.append(f"    value = get({name!r}, missing)")
        lines.append("    if value is not missing:")
        if nested is not None:
            scope[f"nested_{n}"] = nested
            lines.append(
                f"        out[{key!r}] = nested_{n}(value) if value is not None else value"
            )
        else:
            lines.append(f"        out[{key!r}] = value")
    lines.append("    return out")
    exec("\n".join(lines), scope)  # noqa: S102 - code made from the view's own field names
    dump: Callable[[Mapping[str, Any]], dict[str, Any]] = scope["dump"]
    return dump


def _computed(field: fields.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, fields.Function):
        function: Callable[[Any], Any] | None = field.serialize_func
        return function
    return None


def alias(of: str, description: str, **metadata: Any) -> fields.Function:
    """A field that repeats the value of field `of` under another name (an old client's
    name); `metadata` documents it (`type`, `nullable`...)."""
    return fields.Function(
        lambda values: values.get(of), metadata={**metadata, "description": description}
    )


def _nested(field: fields.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, fields.Nested) and isinstance(field.schema, View):
        view = field.schema
        if field.many:
            return view.dump_many_fast
        return view.dump_fast
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        inner = field.inner.schema
        if isinstance(inner, View):
            return inner.dump_many_fast
    return None
