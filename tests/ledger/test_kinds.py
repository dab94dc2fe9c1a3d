"""Every event kind the code records has a label in both languages (superteam/ledger/kinds.py).

The kinds are found by reading the source, as `grep 'kind="..."'` would, but through the
syntax tree: the ``kind`` given to ``record``/``prepare_record`` (every string in it, so
``"a" if x else "b"`` gives both), the ``"kind"`` of ``record_many``'s events, and a kind
passed through a parameter of a helper (``_record(token, "api.token_issued", ...)``) is
read at the helper's callers. A kind the scan cannot read fails the test too, so a new
kind can never slip past without a label.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

import superteam
from superteam.ledger import kinds

SOURCE = Path(superteam.__file__).parent
RECORDERS = {"record", "prepare_record", "record_many"}


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _event_kinds(node: ast.AST) -> set[str]:
    """The "kind" values of the dict literals in ``node`` (record_many's events)."""
    found = set()
    for d in ast.walk(node):
        if isinstance(d, ast.Dict):
            for key, value in zip(d.keys, d.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "kind":
                    found |= _strings(value)
    return found


def _arguments_at(tree: ast.AST, function: str, param: str, index: int) -> list[ast.AST]:
    """What the calls to ``function`` in a module pass as its parameter ``param``."""
    passed = []
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _name(call) == function:
            passed += [k.value for k in call.keywords if k.arg == param]
            if index < len(call.args):
                passed.append(call.args[index])
    return passed


class _Scan(ast.NodeVisitor):
    def __init__(self, tree: ast.Module, where: str):
        self.tree, self.where = tree, where
        self.functions: list[ast.FunctionDef] = []
        self.kinds: dict[str, str] = {}
        self.unreadable: list[str] = []

    def visit_FunctionDef(self, node):
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        name = _name(node)
        if name in RECORDERS:
            given = {k.arg: k.value for k in node.keywords}
            where = f"{self.where}:{node.lineno}"
            if name == "record_many":
                events = given.get("events")
                found = _event_kinds(events) if events is not None else set()
                if not found and self.functions:  # events built up in the function
                    found = _event_kinds(self.functions[-1])
            else:
                found = self._kinds(given.get("kind"))
            for kind in found:
                self.kinds.setdefault(kind, where)
            if not found:
                self.unreadable.append(where)
        self.generic_visit(node)

    def _kinds(self, expr: ast.AST | None) -> set[str]:
        if expr is None:
            return set()
        found = _strings(expr)
        if found or not isinstance(expr, ast.Name) or not self.functions:
            return found
        # A parameter of the enclosing helper: read what its callers pass.
        helper = self.functions[-1]
        params = [a.arg for a in helper.args.posonlyargs + helper.args.args]
        params_kw = params + [a.arg for a in helper.args.kwonlyargs]
        if expr.id not in params_kw:
            return set()
        index = params.index(expr.id) if expr.id in params else len(params) + 1_000
        for value in _arguments_at(self.tree, helper.name, expr.id, index):
            found |= _strings(value)
        return found


def recorded_kinds() -> tuple[dict[str, str], list[str]]:
    """Every kind the source records (kind → first place), and the calls it cannot read."""
    found: dict[str, str] = {}
    unreadable: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scan = _Scan(tree, str(path.relative_to(SOURCE.parent)))
        scan.visit(tree)
        for kind, where in scan.kinds.items():
            found.setdefault(kind, where)
        unreadable += scan.unreadable
    return found, unreadable


def test_every_kind_the_code_records_has_a_label():
    found, unreadable = recorded_kinds()
    # The scan sees a literal, a conditional, prepare_record and a helper's parameter.
    assert {
        "agreements.signed",
        "innovations.stopped",
        "innovations.resumed",
        "reports.submitted",
        "api.token_issued",
        "api.token_revoked",
    } <= set(found)
    assert len(found) >= 70
    assert unreadable == [], "ledger kinds passed in a way the scan cannot read"
    missing = {kind: where for kind, where in found.items() if kind not in kinds.KINDS}
    assert missing == {}, "add these kinds to superteam/ledger/kinds.py (and the .po)"


def test_the_scan_fails_on_a_kind_without_a_label(tmp_path, monkeypatch):
    """The guard itself: a new service recording an unlabelled kind is caught."""
    package = tmp_path / "superteam"
    (package / "widgets").mkdir(parents=True)
    (package / "widgets" / "services.py").write_text(
        "def _log(thing, kind):\n"
        "    record(regency=1, kind=kind, subject=thing)\n\n"
        "def make(thing):\n"
        '    _log(thing, "widgets.made")\n'
        '    record_many(regency=1, events=[{"kind": "widgets.bulk"}])\n'
        '    prepare_record(regency=1, kind="reports.submitted", subject_model=None)\n'
    )
    monkeypatch.setitem(globals(), "SOURCE", package)
    found, unreadable = recorded_kinds()
    assert set(found) == {"widgets.made", "widgets.bulk", "reports.submitted"}
    assert unreadable == []
    assert {k for k in found if k not in kinds.KINDS} == {"widgets.made", "widgets.bulk"}


def test_every_label_reads_in_both_languages():
    assert {kinds.app_of(kind) for kind in kinds.KINDS} <= set(kinds.APPS)
    for text in [*kinds.KINDS.values(), *kinds.APPS.values()]:
        with translation.override("en"):
            english = str(text)
        with translation.override("id"):
            indonesian = str(text)
        assert indonesian != english, f"no Indonesian for {english!r}"
    with translation.override("id"):
        assert kinds.label("reports.submitted") == "Laporan dikirim"
        assert kinds.label("news.digest_sent") == "Rangkuman berita dikirim ke pelanggan"
    with translation.override("en"):
        assert kinds.label("reports.submitted") == "Report submitted"


def test_an_unknown_kind_reads_as_its_app_or_its_code():
    with translation.override("id"):
        assert kinds.label("agreements.something_new") == "Perjanjian kinerja: peristiwa lain"
        assert kinds.label("test.event") == "test.event"
    with translation.override("en"):
        assert kinds.label("agreements.something_new") == "Performance agreements: other event"
