"""Schemathesis driven by hand: every operation of a spec, positive and negative generation,
a bounded deterministic number of examples, responses checked and counted."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
UNDOCUMENTED = "(undocumented)"
SUMMARY: dict[str, int] = {}  # filled at the end of the fuzzing module, printed by conftest


@dataclass
class Tally:
    cases: int = 0
    server_errors: int = 0
    operations: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.cases += other.cases
        self.server_errors += other.server_errors
        self.operations += other.operations
        self.failures += other.failures


def error_envelope(response: Any) -> str | None:
    """What is wrong with an error response, if anything: it must be our JSON envelope."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} error body is not JSON"
    if not (isinstance(body, dict) and body.get("success") is False and body.get("code")):
        return f"{response.status_code} error body is not {{success:false, message, code}}"
    return None


def fuzz_operations(
    schema: Any,
    call: Callable[[Any], Any],
    *,
    max_examples: int,
    skip: Callable[[Any], bool] = lambda case: False,
    path_parameters: Mapping[str, Any] | None = None,
) -> Tally:
    """Run every operation of `schema`; `call(case)` sends a case and returns the response."""
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        fixed = {k: v for k, v in (path_parameters or {}).items() if k in operation.path}
        if path_parameters is not None and not fixed:
            continue  # the "known ids" pass only runs operations that take those ids
        tally.operations += 1
        documented = operation.definition.raw.get("summary") != UNDOCUMENTED
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_one(operation, mode, call, tally, max_examples, skip, fixed, documented)
    return tally


def _fuzz_one(
    operation: Any,
    mode: GenerationMode,
    call: Callable[[Any], Any],
    tally: Tally,
    max_examples: int,
    skip: Callable[[Any], bool],
    fixed: Mapping[str, Any],
    documented: bool,
) -> None:
    checks = CONFORMANCE if documented else [not_a_server_error]
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=dict(fixed) or None)

    @hypothesis.settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(case: Any) -> None:
        if skip(case):
            return
        response = call(case)
        tally.cases += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        problems = [p for p in [error_envelope(response)] if p]
        try:
            case.validate_response(response, checks=checks)
        except BaseException as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
            if not isinstance(exc, Exception | BaseExceptionGroup):
                raise
            failures = getattr(exc, "exceptions", (exc,))
            problems += [f"{getattr(f, 'title', type(f).__name__)}: {f}"[:300] for f in failures]
        where = f"{operation.label} [{mode.value}] {case.path_parameters or ''}"
        tally.failures += [f"{where}: {problem}" for problem in problems]

    with contextlib.suppress(Unsatisfiable):  # nothing to negate: the positive pass covered it
        run()
