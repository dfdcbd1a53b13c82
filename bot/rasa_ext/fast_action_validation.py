"""Adapter: check the action server's answers without rebuilding the JSON-schema validator each time.

Why. Rasa 3.6 checks every answer of the action server in
``RemoteAction._validate_action_result`` with ``jsonschema.validate(result, schema)``. That call
first validates the *schema* against the JSON-Schema meta-schema (``check_schema``), builds a new
validator, and then, for every event of the answer, tries all 23 ``oneOf`` branches of Rasa's
events schema (``rasa.shared.utils.schemas.events.EVENT_SCHEMA``). Under closed-loop REST load a
sampling profile put about 40% of the Rasa server's CPU there (issue 10).

What it changes. ``install()`` replaces ``RemoteAction._validate_action_result`` by
:func:`_validate_action_result`, which decides "valid" with validators built once per schema
(one ``check_schema``, then ``validator_for(schema)(schema)``, cached):

- the answer without its events' items is checked by a cached validator of the same schema with
  ``events.items`` left out;
- each event is checked against the parent event schema *minus* ``oneOf`` plus ``allOf: [the one
  branch whose "event" const equals the event's "event" name]``, one cached validator per name.

Why that is exactly as strict. Every ``oneOf`` branch of Rasa's events schema fixes
``properties.event`` to a distinct string ``const``, and the schema has no ``$ref``/``$id`` (that
would resolve differently inside the smaller schemas). This shape is checked when the validators are
built; if it does not hold, the dispatch is not used and the whole schema is checked by one cached
validator. For an
event that is an object with a string ``event`` key, every other branch fails its ``const``, so
the ``oneOf`` holds if and only if the matching branch holds. Only a "valid" verdict is ever taken
from the fast path: when it cannot decide (not an object, unknown or missing name, anything
invalid) it answers "not sure" and the call goes to **Rasa's original method, unchanged**, which
returns True or raises the very same ``jsonschema.ValidationError`` (best match, with Rasa's
"Failed to validate Action server response ..." suffix) it always did. So the result of every call
is identical; only valid answers take the faster road.

What it keeps. The method still calls ``self.action_response_format_spec()`` on every call (a
subclass overriding it gets validators for its own schema; a schema that compares unequal to the
cached one gets new validators), the same validator class (``validator_for``, as
``jsonschema.validate`` picks it), the same formats (none), and Rasa's method for every failure.

Pinned. ``install()`` patches only Rasa ``3.6.21`` whose ``_validate_action_result`` source has
the SHA-256 recorded below; otherwise it logs a warning and leaves Rasa as it is.
``tests/test_rasa_adapters.py`` fails in that case, telling the upgrader what to re-check.

How to remove it. Delete ``"bot.rasa_ext.fast_action_validation"`` from ``ADAPTERS`` in
``bot/rasa_ext/runtime.py``, this file and its tests in ``tests/test_rasa_adapters.py``. To switch
every adapter off for one process without a code change, set ``COACH_RASA_ADAPTERS=off``.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Tuple

from bot.rasa_ext import runtime

log = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
# SHA-256 of inspect.getsource(RemoteAction._validate_action_result) in Rasa 3.6.21.
SOURCE_SHA256 = "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42"


# --------------------------------------------------------------------------- the fast check


class _Checker:
    """Validators built once for one response schema; :meth:`surely_valid` never says True wrongly."""

    def __init__(self, schema: Dict[str, Any]) -> None:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)  # as jsonschema.validate picks it
        cls.check_schema(schema)  # once, instead of on every call
        self.schema = schema
        self.full = cls(schema)
        self.outer: Any = None
        self.by_name: Dict[str, Any] = {}
        split = _split(schema)
        if split is not None:
            outer_schema, parent, branches = split
            self.outer = cls(outer_schema)
            for name, branch in branches.items():
                one = {**parent, "allOf": [branch]}
                cls.check_schema(one)
                self.by_name[name] = cls(one)

    @property
    def dispatching(self) -> bool:
        return self.outer is not None

    def surely_valid(self, result: Any) -> bool:
        """True only if ``result`` is valid against the schema; False means "ask Rasa"."""
        if self.outer is None:
            return self.full.is_valid(result)
        if not isinstance(result, dict) or not self.outer.is_valid(result):
            return False
        if "events" not in result:
            return True
        events = result["events"]
        if not isinstance(events, list):  # the outer check has already said so; never assume
            return False
        by_name = self.by_name
        for event in events:
            if not isinstance(event, dict):
                return False
            name = event.get("event")
            validator = by_name.get(name) if isinstance(name, str) else None
            if validator is None or not validator.is_valid(event):
                return False
        return True


def _split(schema: Dict[str, Any]) -> Optional[Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Dict[str, Any]]]]:
    """(outer schema without the events' items, event schema without oneOf, branch per event name),
    or None when the schema does not have the shape that makes dispatching on the name exact."""
    if _has_dollar_keyword(schema):  # a $ref, $id, ... would mean something else inside a new root
        return None
    try:
        properties = schema["properties"]
        events = properties["events"]
        if set(events) != {"type", "items"} or events["type"] != "array":
            return None
        item = events["items"]
        if item.get("type") != "object" or "event" not in item.get("required", ()):
            return None
        if item.get("properties", {}).get("event") != {"type": "string"}:
            return None
        branches: Dict[str, Dict[str, Any]] = {}
        for branch in item["oneOf"]:
            const = branch["properties"]["event"]
            if set(const) != {"const"} or type(const["const"]) is not str or const["const"] in branches:
                return None
            branches[const["const"]] = branch
    except (KeyError, TypeError, AttributeError):
        return None
    outer = {**schema, "properties": {**properties, "events": {"type": "array"}}}
    parent = {k: v for k, v in item.items() if k != "oneOf"}
    return outer, parent, branches


def _has_dollar_keyword(value: Any) -> bool:
    if isinstance(value, dict):
        return any(isinstance(k, str) and k.startswith("$") or _has_dollar_keyword(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_dollar_keyword(v) for v in value)
    return False


_CACHE_SIZE = 4
_cache: Tuple[_Checker, ...] = ()


def checker_for(schema: Dict[str, Any]) -> _Checker:
    """The cached checker for a schema equal to ``schema`` (cheap to compare: Rasa's spec shares
    its events schema object between calls), building one if there is none yet."""
    global _cache
    cache = _cache
    for checker in cache:
        if checker.schema is schema or checker.schema == schema:
            return checker
    checker = _Checker(schema)
    _cache = (checker,) + cache[:_CACHE_SIZE - 1]
    return checker


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Drop-in for ``RemoteAction._validate_action_result`` (see the module docstring)."""
    try:
        fast = checker_for(self.action_response_format_spec()).surely_valid(result)
    except Exception:  # noqa: BLE001 - any surprise: let Rasa's own method decide, as before
        log.debug("event=fast_action_validation_fallback", exc_info=True)
        fast = False
    if fast:
        return True
    return _PATCH.rasa_method()(self, result)  # type: ignore[misc]  # Rasa's method: True or its own error


# --------------------------------------------------------------------------- install


_PATCH = runtime.MethodPatch(__name__.rsplit(".", 1)[-1], "_validate_action_result", _validate_action_result, "the action-response validation of rasa left unpatched")
_API = runtime.AdapterAPI(__name__, "RemoteAction._validate_action_result", _PATCH)
source_sha256 = _API.source_sha256
rasa_version = _API.rasa_version
pinned_problem = _API.pinned_problem
installed = _API.installed
install = _API.install
uninstall = _API.uninstall
