"""Malformed contract files and bad flags: exit 2 and one line naming the file (or flag) and
the field, never a traceback."""

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from contracts.model import CONTRACTS_DIR

GOOD_INTERACTION = CONTRACTS_DIR / "interactions" / "contacts-get.json"
GOOD_CASE = CONTRACTS_DIR / "translations" / "seed-track.json"
Edit = Callable[[dict[str, Any]], None]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit status and stderr of the command line (argparse exits on its own errors)."""
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, capsys.readouterr().err


def contracts_dir(tmp_path: Path, interaction: Any = None, case: Any = None) -> Path:
    """A contracts folder with one good interaction and case, plus `bad.json` where given."""
    for kind, good, bad in (
        ("interactions", GOOD_INTERACTION, interaction),
        ("translations", GOOD_CASE, case),
    ):
        (tmp_path / kind).mkdir()
        shutil.copy(good, tmp_path / kind / good.name)
        if bad is not None:
            text = bad if isinstance(bad, str) else json.dumps(bad)
            (tmp_path / kind / "bad.json").write_text(text)
    return tmp_path


def edited(path: Path, edit: Edit) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    edit(document)
    return document


def rule_regex(doc: dict[str, Any]) -> None:
    doc["matching_rules"]["$.response.body.contact.id"] = {"match": "regex", "regex": "(unclosed"}


BAD_INTERACTIONS: list[tuple[str, Edit, str]] = [
    (
        "an unknown method",
        lambda doc: doc["request"].update(method="FETCH"),
        "$.request.method: 'FETCH' is not one of ['GET', 'POST', 'PUT', 'DELETE']",
    ),
    ("no source", lambda doc: doc.pop("source"), "$: 'source' is a required property"),
    ("no evidence", lambda doc: doc.pop("evidence"), "$: 'evidence' is a required property"),
    ("no confidence", lambda doc: doc.pop("confidence"), "$: 'confidence' is a required property"),
    (
        "a confidence that is no grade",
        lambda doc: doc.update(confidence="sure"),
        "$.confidence: 'sure' is not one of ['official', 'live-third-party', 'code', 'claim', ",
    ),
    (
        "evidence that is no source of the evidence file",
        lambda doc: doc.update(evidence=["E99"]),
        "$.evidence[0]: 'E99' is not one of ['E1', ",
    ),
    (
        "a source citing what evidence does not list",
        lambda doc: doc.update(source="seen live (E3, E8)", evidence=["E3"]),
        "$.evidence: source cites E8, not in evidence",
    ),
    (
        "evidence the source does not cite",
        lambda doc: doc.update(source="seen live (E3)", evidence=["E3", "E9"]),
        "$.source: evidence lists E9, not cited by source",
    ),
    (
        "an unknown variant",
        lambda doc: doc.update(variants={"leads_upsrt": True}),
        "$.variants: unknown variant 'leads_upsrt' (known: upsert_create_status, ",
    ),
    (
        "a variant value the switch does not take",
        lambda doc: doc.update(variants={"upsert_create_status": 202}),
        "$.variants: variant upsert_create_status takes one of 200, 201; got 202",
    ),
    (
        "an absent header that is not allow-listed",
        lambda doc: doc["response"].update(absent_headers=["Server"]),
        "$.response.absent_headers[0]: 'Server' is not one of ['Content-Type', ",
    ),
    (
        "an Authorization header",
        lambda doc: doc["request"]["headers"].update(Authorization="Token token=x"),
        "$.request.headers: 'Authorization' is not one of ['Accept', 'Content-Type', 'User-Agent']",
    ),
    (
        "an unknown provider state",
        lambda doc: doc["provider_states"][0].update(name="contact is happy"),
        "$.provider_states[0].name: unknown provider state 'contact is happy' (known: ",
    ),
    (
        "a state without its params",
        lambda doc: doc["provider_states"][0].update(params={}),
        "$.provider_states[0].params: provider state 'contact exists' needs email",
    ),
    (
        "a path placeholder no state gives",
        lambda doc: doc.update(provider_states=[]),
        "$.request.path: no provider state gives {contact_id}",
    ),
    (
        "a from_state value no state gives",
        lambda doc: doc.update(from_state={"$.response.body.contact.id": "deal_id"}),
        "$.from_state['$.response.body.contact.id']: no provider state gives 'deal_id'",
    ),
    (
        "a from_state path that is not in the interaction",
        lambda doc: doc.update(from_state={"$.response.body.contact.owner": "contact_id"}),
        "$.from_state['$.response.body.contact.owner']: no such field in the interaction",
    ),
    (
        "a rule at a path that does not parse",
        lambda doc: doc["matching_rules"].update({"$.response.body[x]": {"match": "any"}}),
        "$.matching_rules['$.response.body[x]']: "
        "bad JSON path '$.response.body[x]' at character 15",
    ),
    (
        "a rule with a bad regex",
        rule_regex,
        "$.matching_rules['$.response.body.contact.id'].regex: "
        "bad regex: missing ), unterminated subpattern at position 0",
    ),
    (
        "a rule of an unknown kind",
        lambda doc: doc["matching_rules"].update({"$.response.body.x": {"match": "fuzzy"}}),
        "$.matching_rules['$.response.body.x'].match: 'fuzzy' is not one of",
    ),
    (
        "a schema that does not exist",
        lambda doc: doc["response"].update(schema="nope.response.json"),
        "$.response.schema: no schema nope.response.json in contracts/schemas",
    ),
    (
        "a recorded body that breaks its schema",
        lambda doc: doc["response"]["body"]["contact"].update(id="seven"),
        "$.response.body.contact.id: "
        "breaks contact.response.json: 'seven' is not of type 'integer'",
    ),
    (
        "a successful body without a schema",
        lambda doc: doc["request"].update(method="PUT", body={"contact": {}}),
        "$.request: a successful request with a body names its schema",
    ),
    (
        "the same description as another file",
        lambda doc: None,
        "$.description: same description as bad.json",
    ),
]


@pytest.mark.parametrize(
    ("edit", "message"),
    [(edit, message) for _, edit, message in BAD_INTERACTIONS],
    ids=[name for name, _, _ in BAD_INTERACTIONS],
)
def test_a_malformed_interaction_is_one_line_naming_file_and_field(
    edit: Edit, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = contracts_dir(tmp_path, interaction=edited(GOOD_INTERACTION, edit))
    status, err = run(["verify", "--contracts", str(folder)], capsys)
    bad = (
        folder
        / "interactions"
        / ("contacts-get.json" if "same description" in message else "bad.json")
    )
    assert status == 2
    assert err.startswith(f"freshsales-contracts: {bad}: {message}")
    assert err.count("\n") == 1


BAD_CASES: list[tuple[str, Edit, str]] = [
    (
        "a key in the settings",
        lambda doc: doc["settings"].update(api_key="real-key"),
        "$.settings: Additional properties are not allowed ('api_key' was unexpected)",
    ),
    (
        "a domain that is not Freshsales'",
        lambda doc: doc["settings"].update(domain="evil.example.com"),
        "$.settings.domain: 'evil.example.com' is not a Freshsales domain",
    ),
    (
        "a plan call without a name",
        lambda doc: doc["expect"]["plan"]["calls"][0].update(name=""),
        "$.expect.plan: plan.calls[0].name: expected a non-empty string",
    ),
    (
        "both a plan and an error",
        lambda doc: doc["expect"].update(invalid={"path": "userId", "message": "x"}),
        "$.expect: {",
    ),
]


@pytest.mark.parametrize(
    ("edit", "message"),
    [(edit, message) for _, edit, message in BAD_CASES],
    ids=[name for name, _, _ in BAD_CASES],
)
def test_a_malformed_translation_case_is_one_line_naming_file_and_field(
    edit: Edit, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = contracts_dir(tmp_path, case=edited(GOOD_CASE, edit))
    status, err = run(["verify", "--contracts", str(folder)], capsys)
    assert status == 2
    assert err.startswith(
        f"freshsales-contracts: {folder / 'translations' / 'bad.json'}: {message}"
    )
    assert err.count("\n") == 1


def test_a_file_that_is_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = contracts_dir(tmp_path, interaction='{"description": "x",, }')
    status, err = run(["verify", "--contracts", str(folder)], capsys)
    assert (status, err) == (
        2,
        f"freshsales-contracts: {folder / 'interactions' / 'bad.json'}: not valid JSON: "
        "Expecting property name enclosed in double quotes (line 1, column 21)\n",
    )


TOKEN_FLAG = ("--app-token-env", "NO_SUCH_VARIABLE_X")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["verify", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "the following arguments are required: command"),
        (["verify", "--against-live"], "--against-live: only goes with --base-url"),
        (["verify", "--allow-writes"], "--allow-writes: only goes with --base-url"),
        (
            ["verify", "--base-url", "http://127.0.0.1:9"],
            "--base-url: needs --api-key-env naming the key's variable",
        ),
        (
            [
                "verify",
                "--base-url",
                "https://acme.myfreshworks.com/crm/sales/api",
                "--api-key-env",
                "K",
            ],
            "--base-url: expected an origin such as https://acme.myfreshworks.com, got "
            "'https://acme.myfreshworks.com/crm/sales/api' (no path: interaction paths carry "
            "the API root)",
        ),
        (
            ["verify", "--base-url", "http://127.0.0.1:9", "--api-key-env", "NO_SUCH_VARIABLE_X"],
            "--api-key-env: environment variable NO_SUCH_VARIABLE_X is not set",
        ),
        (
            ["record", "--base-url", "http://127.0.0.1:9", "--api-key-env", "K", "--scenario", "x"],
            "--scenario: no scenario 'x' (known: 'account and deal', 'contact lifecycle', "
            "'lead activity', 'rejections')",
        ),
        (
            ["verify", "--contracts", "/no/such/folder"],
            "/no/such/folder/interactions: no such directory",
        ),
        (
            ["probe", "--base-url", "http://127.0.0.1:9", "--api-key-env", "K", *TOKEN_FLAG],
            "--app-token-env: environment variable NO_SUCH_VARIABLE_X is not set",
        ),
    ],
)
def test_a_bad_flag_is_one_line(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("K", "some-key")
    monkeypatch.delenv("NO_SUCH_VARIABLE_X", raising=False)
    assert run(argv, capsys) == (2, f"freshsales-contracts: {message}\n")


@pytest.mark.slow
def test_recording_from_nowhere_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("K", "some-key")
    with socket.socket() as closed:  # a port nothing listens on once this is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    argv = ["record", "--base-url", f"http://127.0.0.1:{port}", "--api-key-env", "K"]
    argv += ["--scenario", "rejections", "--out", str(tmp_path)]
    assert run(argv, capsys) == (
        1,
        "freshsales-contracts: rejections, step wrong-key: no answer: ConnectError\n",
    )


@pytest.mark.slow
def test_the_module_prints_no_traceback(tmp_path: Path) -> None:
    folder = contracts_dir(tmp_path, interaction="[")
    done = subprocess.run(
        [sys.executable, "-m", "contracts", "verify", "--contracts", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"freshsales-contracts: {folder / 'interactions' / 'bad.json'}: not valid JSON: "
        "Expecting value (line 1, column 2)\n"
    )
