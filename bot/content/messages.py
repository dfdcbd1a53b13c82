"""The message catalogue: every sentence the coach says, as templates in ``messages.yml``.

The file has two sections. ``messages`` maps keys to texts; a key whose value is
a mapping is a group, so ``assessment: {welcome_back: ...}`` is said as
``assessment.welcome_back``. Texts may hold named ``{placeholders}`` in
``str.format`` style and nothing cleverer: no positional ``{}``, no ``{a.b}`` or
``{a[i]}``, no conversions or format specs, so filling one in can only fail for a
missing value. ``responses`` holds whole replies with buttons, the shape of
Rasa's ``utter_*`` responses.

The bundled ``messages.yml`` beside this module is the reference: code asks for
its keys with its placeholders. A deployment's own copy (``COACH_CONTENT_DIR``)
must keep every key and response and may only use placeholders the bundled text
for the same key uses; it may add keys of its own.
"""

from __future__ import annotations

import re
import string
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from bot.content.model import Button, ContentError, Response

FILE = "messages.yml"

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def tidy(text: str) -> str:
    """``text`` with each line's spaces collapsed, keeping the line breaks written in the YAML.

    A ``>-`` folded text is already one line (YAML joins its lines with spaces),
    unless it has a blank line, which YAML itself turns into a line break. A ``|``
    block, or ``\\n`` in a quoted text, keeps its line breaks.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


def placeholders(template: str, entry: str, file: str = FILE,
                 allowed: Optional[FrozenSet[str]] = None) -> FrozenSet[str]:
    """The placeholder names in ``template``; a ContentError naming ``file`` and ``entry`` for
    anything else (and, when ``allowed`` is given, for a name not in it)."""
    names = set()
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone "{" or "}"
        raise ContentError(file, entry, f"has a stray brace ({exc}); write a literal brace as {{{{ or }}}}") from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if not name.isidentifier():
            shown = "{" + name + "}"
            raise ContentError(file, entry, f"placeholder {shown} must be a plain name such as {{dimension}}")
        if spec or conversion:
            raise ContentError(file, entry, f"placeholder {{{name}}} must not have a format or conversion")
        if allowed is not None and name not in allowed:
            known = ", ".join("{" + p + "}" for p in sorted(allowed))
            raise ContentError(file, entry, f"unknown placeholder {{{name}}}; use only {known}")
        names.add(name)
    return frozenset(names)


def _text(value: Any, entry: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(FILE, entry, "must be a non-empty text")
    text = tidy(value)
    placeholders(text, entry)
    return text


def _key(key: Any, entry: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ContentError(FILE, f"{entry}.{key}",
                           "keys are letters, digits and underscores; write a group as a nested mapping")
    return key


def read_messages(block: Any, entry: str = "messages") -> Dict[str, str]:
    """The ``messages`` section as dotted keys to tidied texts."""
    if not isinstance(block, dict) or not block:
        raise ContentError(FILE, entry, "must be a mapping of message keys to texts (or groups of them)")
    found: Dict[str, str] = {}
    for key, value in block.items():
        inner = f"{entry}.{_key(key, entry)}"
        dotted = inner.split(".", 1)[1]
        if isinstance(value, dict):
            found.update(read_messages(value, inner))
        else:
            found[dotted] = _text(value, inner)
    return found


def read_responses(block: Any) -> Dict[str, Response]:
    """The ``responses`` section: ``utter_*`` names to a text and optional buttons."""
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise ContentError(FILE, "responses", "must be a mapping of utter_* names to responses")
    found: Dict[str, Response] = {}
    for name, value in block.items():
        entry = f"responses.{name}"
        if not isinstance(name, str) or not name.startswith("utter_") or not _KEY.match(name):
            raise ContentError(FILE, entry, "a response name starts with utter_ and has only letters, digits and underscores")
        if not isinstance(value, dict):
            raise ContentError(FILE, entry, "must be a mapping with 'text' and optional 'buttons'")
        unknown = sorted(set(value) - {"text", "buttons", "again"})
        if unknown:
            raise ContentError(FILE, entry, f"unknown field(s) {unknown}; a response has 'text', 'buttons' and "
                                            f"'again' (said instead of the text straight after it)")
        found[name] = Response(text=_text(value.get("text"), f"{entry}.text"),
                               buttons=_buttons(value.get("buttons"), f"{entry}.buttons"),
                               again=_text(value["again"], f"{entry}.again") if "again" in value else None)
    return found


def _buttons(value: Any, entry: str) -> Tuple[Button, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ContentError(FILE, entry, "must be a list of buttons with 'title' and 'payload'")
    buttons = []
    for i, item in enumerate(value):
        where = f"{entry}[{i}]"
        if not isinstance(item, dict):
            raise ContentError(FILE, where, "must be a mapping with 'title' and 'payload'")
        title, payload = item.get("title"), item.get("payload")
        if not isinstance(title, str) or not title.strip():
            raise ContentError(FILE, where, "'title' must be a non-empty text")
        if not isinstance(payload, str) or not payload.startswith("/") or len(payload.strip()) < 2:
            raise ContentError(FILE, where, f"'payload' must be an intent starting with '/', not {payload!r}")
        buttons.append(Button(title=" ".join(title.split()), payload=payload.strip()))
    return tuple(buttons)


def check_against(messages: Mapping[str, str], responses: Mapping[str, Response],
                  reference_messages: Mapping[str, str], reference_responses: Mapping[str, Response]) -> None:
    """Fail unless a deployment's catalogue can stand in for the bundled one.

    Every bundled key and response must be there, and each text may only use
    placeholders that the bundled text for the same key uses: the code fills in
    those and no others.
    """
    for key, bundled in reference_messages.items():
        entry = f"messages.{key}"
        if key not in messages:
            raise ContentError(FILE, entry, "missing: every message in the bundled messages.yml is needed")
        _same_placeholders(messages[key], bundled, entry)
    for name, bundled_response in reference_responses.items():
        entry = f"responses.{name}"
        if name not in responses:
            raise ContentError(FILE, entry, "missing: every response in the bundled messages.yml is needed")
        _same_placeholders(responses[name].text, bundled_response.text, f"{entry}.text")


def _same_placeholders(text: str, bundled: str, entry: str) -> None:
    unknown = sorted(placeholders(text, entry) - placeholders(bundled, entry))
    if unknown:
        allowed = ", ".join("{" + n + "}" for n in sorted(placeholders(bundled, entry))) or "none"
        shown = ", ".join("{" + n + "}" for n in unknown)
        raise ContentError(FILE, entry, f"unknown placeholder(s) {shown}; the bundled text uses {allowed}")
