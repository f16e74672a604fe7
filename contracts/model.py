"""Contract files as typed objects: interactions and translation cases, checked on loading.

Loading checks each file against its JSON Schema (`contracts/schemas/interaction.schema.json`,
`translation.schema.json`) and what a schema cannot say: rule paths and regexes that parse,
known provider states with their params, values taken from states that some state gives, body
schemas that exist and example bodies that follow them. Anything wrong is a ContractError
naming the file and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from contracts import jsonschemas
from contracts.errors import ContractError
from contracts.jsonpath import Path as JsonPath
from contracts.jsonpath import format_path, parse, replace
from contracts.matching import Rules
from contracts.states import STATES, ProviderState
from fake_freshsales.models.variants import GRADES, VariantError, Variants
from translator import Plan, Settings, SettingsError

__all__ = [
    "CLASSIC_ROOT",
    "CONFIDENCE_GRADES",
    "CONTRACTS_DIR",
    "DUMMY_KEY",
    "SUITE_ROOT",
    "Interaction",
    "Request",
    "Response",
    "TranslationCase",
    "fill_path",
    "load_interactions",
    "load_translations",
    "normalise_path",
    "put_values",
    "read_json",
    "spell_variants",
]

CONTRACTS_DIR: Final = Path(__file__).parent
# Translation cases never hold a key; the translator needs one, so they all get this one.
DUMMY_KEY: Final = "contract-test-key"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ID_SEGMENT = re.compile(r"(?<=/)(?:\d+|\{[^{}]+\})(?=/|$)")
CLASSIC_ROOT: Final = "/api"
SUITE_ROOT: Final = "/crm/sales/api"
# The Suite host's account URL path: its API root and its tracking API are below it.
SUITE_ACCOUNT: Final = "/crm/sales"
# The evidence file's grades, strongest first: an interaction's `confidence` is one of them.
CONFIDENCE_GRADES: Final = GRADES
_EVIDENCE_ID = re.compile(r"\bE\d+\b")


def fill_path(path: str, values: Mapping[str, Any]) -> str:
    """`path` with each `{name}` placeholder replaced by its value."""
    return _PLACEHOLDER.sub(lambda match: str(values[match[1]]), path)


def normalise_path(path: str) -> str:
    """`path` with ids and placeholders (a plan's references too) written `{id}`:
    `/api/contacts/{id}`."""
    return _ID_SEGMENT.sub("{id}", path)


def spell_variants(variants: Mapping[str, Any]) -> str:
    """`leads_upsert=true, reset_unit=epoch`: switches as the fake's command line takes them."""
    return ", ".join(
        f"{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in variants.items()
    )


def put_values(
    document: Any, prefix: JsonPath, from_state: Mapping[JsonPath, str], values: Mapping[str, Any]
) -> Any:
    """`document` (found at `prefix`) with the values states gave put at their paths."""
    for path, name in from_state.items():
        if path[: len(prefix)] == prefix:
            document = replace(document, path[len(prefix) :], values[name])
    return document


@dataclass(frozen=True)
class Request:
    """What is sent. `path` starts at the origin (API root included) and may hold `{name}`
    placeholders for values provider states give; `auth` says which credentials go with it."""

    method: str
    path: str
    query: Mapping[str, str]
    auth: str
    headers: Mapping[str, str]
    body: Any
    schema: str | None

    @property
    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(self.path)

    @property
    def route(self) -> tuple[str, str]:
        """Method and normalised path: what a request must share with it to be of its kind."""
        return self.method, normalise_path(self.path)


@dataclass(frozen=True)
class Response:
    """What comes back: status, allow-listed headers, JSON body (None when there is none), and
    the headers it must not carry."""

    status: int
    headers: Mapping[str, str]
    body: Any
    schema: str | None
    absent_headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interaction:
    """One request and its recorded response, with the states and rules that go with them.

    ```python
    [interaction] = [i for i in load_interactions() if i.name == "contacts-upsert-create"]
    interaction.request.method, interaction.request.path   # ("POST", "/api/contacts/upsert")
    interaction.response.status                            # 200
    interaction.evidence, interaction.confidence           # ("E3", "E4", "E5", "E11"), "code"
    ```

    `variants` are the fake's switches (name to value) under which it holds; empty, it holds
    with every switch at its default.
    """

    name: str
    file: Path
    description: str
    states: tuple[ProviderState, ...]
    request: Request
    response: Response
    from_state: Mapping[JsonPath, str]
    rules: Rules
    source: str
    evidence: tuple[str, ...]
    confidence: str
    variants: Mapping[str, Any]

    @property
    def writes(self) -> bool:
        """Whether replaying it may change the account (anything but a GET)."""
        return self.request.method != "GET"

    @property
    def succeeds(self) -> bool:
        return 200 <= self.response.status < 300

    @property
    def suite(self) -> bool:
        """Whether it goes to the Suite host (the root `/crm/sales/api`, or the tracking API at
        `/crm/sales/track`) rather than the classic one (`/api`, `/track`)."""
        return self.request.path.startswith(SUITE_ACCOUNT + "/")


@dataclass(frozen=True)
class TranslationCase:
    """A Segment message and what `translate` must make of it: a plan, or an InvalidEvent."""

    name: str
    file: Path
    description: str
    seed: bool
    settings: Settings
    message: Any
    plan: dict[str, Any] | None
    invalid_path: str | None
    invalid_message: str | None


def read_json(path: Path) -> Any:
    """A file's JSON; a ContractError when it cannot be read or parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ContractError(str(path), f"cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ContractError(str(path), "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ContractError(
            str(path), f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise ContractError(str(directory), "no such directory")
    return sorted(directory.glob("*.json"))


def load_interactions(directory: Path | None = None) -> list[Interaction]:
    """Every interaction in `directory` (default `contracts/interactions`), in file name order."""
    interactions = [
        _interaction(path) for path in _files(directory or CONTRACTS_DIR / "interactions")
    ]
    seen: dict[str, Path] = {}
    for interaction in interactions:
        earlier = seen.setdefault(interaction.description, interaction.file)
        if earlier != interaction.file:
            raise ContractError(
                str(interaction.file), f"same description as {earlier.name}", "$.description"
            )
    return interactions


def _interaction(path: Path) -> Interaction:
    where = str(path)
    data = read_json(path)
    jsonschemas.check_document("interaction.schema.json", data, where)
    states = tuple(
        _state(where, index, state) for index, state in enumerate(data["provider_states"])
    )
    given = {value for state in states for value in STATES[state.name].provides}
    raw_request, raw_response = data["request"], data["response"]
    request = Request(
        method=raw_request["method"],
        path=raw_request["path"],
        query=raw_request.get("query", {}),
        auth=raw_request.get("auth", "api_key"),
        headers=raw_request.get("headers", {}),
        body=raw_request.get("body"),
        schema=raw_request.get("schema"),
    )
    response = Response(
        status=raw_response["status"],
        headers=raw_response.get("headers", {}),
        body=raw_response.get("body"),
        schema=raw_response.get("schema"),
        absent_headers=tuple(raw_response.get("absent_headers", ())),
    )
    for name in request.placeholders:
        if name not in given:
            raise ContractError(where, f"no provider state gives {{{name}}}", "$.request.path")
    from_state: dict[JsonPath, str] = {}
    bodies = {"request": {"body": request.body}, "response": {"body": response.body}}
    for key, value in data.get("from_state", {}).items():
        field = format_path(("from_state", key))
        if value not in given:
            raise ContractError(where, f"no provider state gives {value!r}", field)
        target = _path(where, key, field)
        try:
            replace(bodies, target, value)
        except KeyError:
            raise ContractError(where, "no such field in the interaction", field) from None
        from_state[target] = value
    for kind, part in (("request", request), ("response", response)):
        _check_schema(where, kind, part.schema, part.body)
    if request.body is not None and request.schema is None and 200 <= response.status < 300:
        # The conformance check validates what clients send with it.
        raise ContractError(where, "a successful request with a body names its schema", "$.request")
    evidence = tuple(data["evidence"])
    _check_citations(where, data["source"], evidence)
    variants = data.get("variants", {})
    try:
        Variants.from_mapping(variants)
    except VariantError as error:
        raise ContractError(where, str(error), "$.variants") from None
    return Interaction(
        name=path.stem,
        file=path,
        description=data["description"],
        states=states,
        request=request,
        response=response,
        from_state=from_state,
        rules=_rules(where, data["matching_rules"]),
        source=data["source"],
        evidence=evidence,
        confidence=data["confidence"],
        variants=variants,
    )


def _check_citations(where: str, source: str, evidence: tuple[str, ...]) -> None:
    """The sentence and the list name the same sources of the evidence file (E-ids)."""
    cited = set(_EVIDENCE_ID.findall(source))
    listed = {item for item in evidence if _EVIDENCE_ID.fullmatch(item)}
    for extra, problem, field in (
        (cited - listed, "source cites {}, not in evidence", "$.evidence"),
        (listed - cited, "evidence lists {}, not cited by source", "$.source"),
    ):
        if extra:
            raise ContractError(where, problem.format(", ".join(sorted(extra))), field)


def _state(where: str, index: int, data: Mapping[str, Any]) -> ProviderState:
    state = ProviderState(data["name"], data["params"])
    spec = STATES.get(state.name)
    if spec is None:
        raise ContractError(
            where,
            f"unknown provider state {state.name!r} (known: {', '.join(sorted(STATES))})",
            f"$.provider_states[{index}].name",
        )
    missing = [param for param in spec.required if param not in state.params]
    if missing:
        raise ContractError(
            where,
            f"provider state {state.name!r} needs {', '.join(missing)}",
            f"$.provider_states[{index}].params",
        )
    return state


def _path(where: str, text: str, field: str) -> JsonPath:
    try:
        return parse(text)
    except ValueError as error:
        raise ContractError(where, str(error), field) from None


def _rules(where: str, data: Mapping[str, Mapping[str, Any]]) -> Rules:
    for key, rule in data.items():
        field = format_path(("matching_rules", key))
        _path(where, key, field)
        if "regex" in rule:
            try:
                re.compile(rule["regex"])
            except re.error as error:
                raise ContractError(where, f"bad regex: {error}", f"{field}.regex") from None
    return Rules.from_json(data)


def _check_schema(where: str, kind: str, schema: str | None, body: Any) -> None:
    """The named schema exists, and the example body follows it."""
    if schema is None:
        return
    if schema not in jsonschemas.names():
        raise ContractError(where, f"no schema {schema} in contracts/schemas", f"$.{kind}.schema")
    problems = jsonschemas.violations(schema, body, (kind, "body"))
    if problems:
        raise ContractError(where, f"breaks {schema}: {problems[0].problem}", problems[0].path)


def load_translations(directory: Path | None = None) -> list[TranslationCase]:
    """Every translation case in `directory` (default `contracts/translations`)."""
    return [_translation(path) for path in _files(directory or CONTRACTS_DIR / "translations")]


def _translation(path: Path) -> TranslationCase:
    where = str(path)
    data = read_json(path)
    jsonschemas.check_document("translation.schema.json", data, where)
    try:
        settings = Settings(api_key=DUMMY_KEY, **data["settings"])
    except SettingsError as error:
        raise ContractError(where, error.problem, f"$.settings.{error.field}") from None
    expect = data["expect"]
    plan = expect.get("plan")
    if plan is not None:
        try:
            Plan.from_json(plan)
        except ValueError as error:
            raise ContractError(where, str(error), "$.expect.plan") from None
    invalid = expect.get("invalid", {})
    return TranslationCase(
        name=path.stem,
        file=path,
        description=data["description"],
        seed=data.get("seed", False),
        settings=settings,
        message=data["message"],
        plan=plan,
        invalid_path=invalid.get("path"),
        invalid_message=invalid.get("message"),
    )
