"""Every message the code raises or prints is an `N_` id that the vi and en catalogues translate.

An AST scan of audio/, content/, scheduler/ and web/: a TranslatableError (LoaError, AudioError,
ConfigError, ... and their subclasses), a `message()`/`Message()` or a CLI `loa.error()`/
`loa.echo()` whose first argument is a string literal or an f-string is a message that can never
be translated; an `N_("...")` id missing from a catalogue is one that shows in English.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("audio", "content", "scheduler", "web")
MESSAGE_CALLS = {"message", "Message"}
CLI_METHODS = {"error", "echo"}
API = ROOT / "web" / "api"


def _files() -> Iterator[tuple[Path, ast.Module]]:
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def error_classes(trees: list[ast.Module]) -> set[str]:
    """Names of the classes that derive, directly or not, from TranslatableError."""
    bases: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(filter(None, map(_name, node.bases)))
    found = {"TranslatableError"}
    while True:
        more = {c for c, bs in bases.items() if c not in found and bs & found}
        if not more:
            return found
        found |= more


def _is_message_call(call: ast.Call, errors: set[str]) -> bool:
    name = _name(call.func)
    if name in errors or name in MESSAGE_CALLS:
        return True
    owner = call.func.value if isinstance(call.func, ast.Attribute) else None
    return name in CLI_METHODS and isinstance(owner, ast.Name) and owner.id == "loa"


def _ids(node: ast.expr) -> Iterator[str | None]:
    """The N_ ids a first argument holds; None for a literal that is not marked."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        if isinstance(node, ast.JoinedStr) or isinstance(node.value, str):
            yield None
    elif isinstance(node, ast.IfExp):
        yield from _ids(node.body)
        yield from _ids(node.orelse)
    elif isinstance(node, ast.Call) and _name(node.func) == "N_":
        arg = node.args[0]
        assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        yield arg.value


def scan() -> tuple[set[str], list[str]]:
    """(message ids used, places where a literal is not marked with N_)."""
    files = list(_files())
    errors = error_classes([tree for _path, tree in files])
    used: set[str] = set()
    unmarked: list[str] = []
    for path, tree in files:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _name(node.func) == "ApiProblem" and len(node.args) > 1 and API not in path.parents:
                first = node.args[1]  # the detail, after the status (web/api: the api helper's)
            elif node.args and _is_message_call(node, errors):
                first = node.args[0]
            else:
                continue
            for msgid in _ids(first):
                if msgid is None:
                    unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno} {_name(node.func)}")
                else:
                    used.add(msgid)
    return used, unmarked


def test_the_scan_sees_the_error_families() -> None:
    errors = error_classes([tree for _path, tree in _files()])
    families = ("LoaError", "AudioError", "ConfigError", "PeriodError", "UnitsError")
    families += ("BackupError", "DeliveryError", "FeedFetchError", "CellError", "InvalidText")
    assert set(families) <= errors


def test_raised_and_printed_messages_are_marked_and_translated() -> None:
    used, unmarked = scan()
    assert not unmarked, f"message literals without N_: {unmarked[:20]}"
    assert len(used) > 300
    for lang in ("vi", "en"):
        path = ROOT / "web" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as fh:
            translated = {m.id: m.string for m in read_po(fh) if m.id}
        missing = sorted(m for m in used if not translated.get(m))
        assert not missing, f"{lang}: not translated {missing[:10]}"


def test_no_vietnamese_english_pairs_in_messages() -> None:
    """No "Vietnamese / English" text in a marked id (one language per message)."""
    used, _ = scan()
    vi_letters = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    pairs = [m for m in used if " / " in m and vi_letters & set(m.lower())]
    assert not pairs, pairs[:5]
