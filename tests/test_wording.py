"""Every sentence the coach says comes from the content files, never from the code.

The scan walks every module under ``actions/`` and ``bot/`` (Rasa adapters and
the launcher included) and fails on:
- a call that sends text to the person (``utter_message``) with a literal,
  f-string or concatenation containing words, instead of a value from ``say()``
  or the content;
- a ``say("key")`` / ``content.say("key")`` whose key the bundled
  ``messages.yml`` does not have (the test that keeps the catalogue complete);
- a string literal that reads like a sentence (three or more words with a
  capital letter or ending in punctuation) outside docstrings, log calls,
  exception messages and a short list of allowed technical strings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bot.content import get_content

ROOT = Path(__file__).resolve().parent.parent
# Operator command lines (``python -m bot.storage ...``) print to whoever runs the server, not to
# staff in a conversation: they are left out, like the migrations.
SCANNED = sorted(p for folder in ("actions", "bot") for p in (ROOT / folder).rglob("*.py")
                 if "migrations" not in p.parts and p.name != "__main__.py")

_SENTENCE = re.compile(r"[A-Za-z][a-z']+(\s+[A-Za-z'’,;:]+){2,}")


def _docstrings(tree: ast.AST) -> set:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _exempt_calls(tree: ast.AST) -> set:
    """Literals inside log calls, raised exceptions and SQL/regex helpers are not said to anyone."""
    ids = set()
    for node in ast.walk(tree):
        exempt = False
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in {"debug", "info", "warning", "error", "exception", "critical", "fail", "sub", "compile",
                        "warn", "raise_warning"}:
                exempt = True
            if name.endswith("Error") or name.endswith("Exception") or name in {"ValueError", "KeyError",
                                                                                 "RuntimeError", "TypeError"}:
                exempt = True
        if isinstance(node, ast.Raise):
            exempt = True
        if exempt:
            ids.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Constant))
    return ids


def _strings(path: Path) -> Iterator[Tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _docstrings(tree) | _exempt_calls(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _looks_said(text: str) -> bool:
    """A sentence meant for a person, rather than an identifier, a key, a pattern or a format."""
    if "\\b" in text or text.startswith(("event=", "/", "(?", "^")) or "%s" in text or "%d" in text:
        return False
    stripped = re.sub(r"\{[^}]*\}", "", text).strip()
    return bool(_SENTENCE.search(stripped)) and (stripped[:1].isupper() or stripped.rstrip()[-1:] in ".?!:")


def test_no_sentence_for_people_is_written_in_the_code():
    found: List[str] = []
    for path in SCANNED:
        for line, text in _strings(path):
            if _looks_said(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text[:70]!r}")
    assert not found, "put these in bot/content/messages.yml and use say():\n" + "\n".join(found)


def test_utter_message_is_never_given_written_text():
    found: List[str] = []
    for path in SCANNED:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                for kw in node.keywords:
                    if kw.arg == "text" and isinstance(kw.value, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "utter_message(text=...) with text written in code:\n" + "\n".join(found)


def _say_keys() -> Iterator[Tuple[Path, int, str]]:
    for path in SCANNED:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (getattr(node.func, "id", "") == "say"
                                               or getattr(node.func, "attr", "") == "say"):
                if node.args and isinstance(node.args[0], ast.Constant):
                    yield path, node.lineno, node.args[0].value
                elif node.args and isinstance(node.args[0], ast.IfExp):
                    for branch in (node.args[0].body, node.args[0].orelse):
                        if isinstance(branch, ast.Constant):
                            yield path, node.lineno, branch.value


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    content = get_content()
    keys = list(_say_keys())
    assert len(keys) > 50  # the scan really finds the call sites
    missing = []
    for path, line, key in keys:
        try:
            content.say(key, **{name: "x" for name in re.findall(r"\{(\w+)\}", _template(content, key))})
        except KeyError:
            missing.append(f"{path.relative_to(ROOT)}:{line}: {key}")
    assert not missing, "keys missing from messages.yml:\n" + "\n".join(missing)


def _template(content, key: str) -> str:
    try:
        return content.messages[key]
    except (KeyError, TypeError):
        return ""


def test_every_response_rasa_can_ask_for_is_worded():
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(domain["responses"]) <= set(get_content().responses)


@pytest.mark.parametrize("text, said", [
    ("Sorry, I couldn't reach my records just now.", True),
    ("Which would you like to look at?", True),
    ("assessment.welcome_back", False),
    ("event=storage_error action=%s", False),
    (r"\b(start|do)\b", False),
    ("inspiring_shared_purpose", False),
    ("{title}: {link}", False),
])
def test_the_scan_tells_sentences_from_code(text, said):
    assert _looks_said(text) is said
