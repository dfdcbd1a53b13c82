"""A person's data, in conversation: what is kept and who sees it, a copy of all of it, erasing it.

- ``action_answer_privacy``: a plain answer from ``bot/content/privacy.yml`` for the topic the
  question is about (what is kept, how long, who can see it, where, a copy, erasure, consent...).
- ``action_export_data``: everything about the person as JSON and a readable page, behind a link
  that expires (the Rasa server serves it: :mod:`bot.channels.exports`).
- ``action_confirm_delete`` then, on "yes", ``action_delete_data``: every row about the person
  goes, their conversation and export links included. The ``data_erased`` slot tells the tracker
  store not to write that turn back (:mod:`bot.rasa_ext.tracker_store`).
- ``action_withdraw_consent``: nothing more is kept; offers to delete what was.

The person is always ``tracker.sender_id`` (the channel's namespaced identity), never anything
in the message.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, guarded, key, latest_text, previous_action, repeats, say, store
from bot import export, privacy
from bot.keyfiles import write_private
from bot.storage.lifecycle import (DEFAULT_CONVERSATION_DAYS, DEFAULT_RETENTION_DAYS, configured_conversation_days,
                                   configured_retention_days)

log = logging.getLogger("coach.actions")

ERASED_SLOT = "data_erased"  # bot.rasa_ext.tracker_store.ERASED_SLOT
DEFAULT_EXPORT_HOURS = 24.0
DEFAULT_PUBLIC_URL = "http://localhost:5005"
DEFAULT_CONTACT = "the data protection officer of the organisation that runs this coach"


def export_hours() -> float:
    try:
        hours = float(os.environ.get("COACH_EXPORT_HOURS") or DEFAULT_EXPORT_HOURS)
    except ValueError:
        hours = DEFAULT_EXPORT_HOURS
    return hours if hours > 0 else DEFAULT_EXPORT_HOURS


def public_url() -> str:
    return (os.environ.get("COACH_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def _number(value: float) -> str:
    return f"{value:g}"


def export_dir() -> Optional[Path]:
    """Where exports are also written as files (the terminal chat sets it: its server serves no links)."""
    raw = os.environ.get("COACH_EXPORT_DIR")
    return Path(raw) if raw else None


def _file_prefix(user: str) -> str:
    return f"coach-export-{user[:16]}-"


def write_files(user: str, token: str, json_text: str, html_text: str) -> Optional[Path]:
    """Write the export into :func:`export_dir` (owner-only files); the HTML file's path."""
    folder = export_dir()
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    remove_files(user)
    stem = folder / f"{_file_prefix(user)}{token[:8]}"
    for suffix, body in ((".json", json_text), (".html", html_text)):
        write_private(stem.with_suffix(suffix), body)
    return stem.with_suffix(".html")


def remove_files(user: str) -> int:
    folder = export_dir()
    if folder is None or not folder.is_dir():
        return 0
    gone = 0
    for path in folder.glob(_file_prefix(user) + "*"):
        path.unlink(missing_ok=True)
        gone += 1
    return gone


def retention_days() -> float:
    try:
        return configured_retention_days()
    except ValueError as exc:
        log.warning("event=bad_setting detail=%s", exc)
        return float(DEFAULT_RETENTION_DAYS)


def conversation_days() -> float:
    try:
        return configured_conversation_days()
    except ValueError as exc:
        log.warning("event=bad_setting detail=%s", exc)
        return float(min(DEFAULT_CONVERSATION_DAYS, retention_days()))


def values() -> Dict[str, str]:
    """What the privacy answers fill in: the deployment's settings, not fixed words."""
    return {"retention_days": _number(retention_days()), "conversation_days": _number(conversation_days()),
            "export_hours": _number(export_hours()),
            "contact": os.environ.get("COACH_PRIVACY_CONTACT") or DEFAULT_CONTACT}


def data_buttons() -> List[Dict[str, str]]:
    return [button(say("button.export_data"), "export_data"), button(say("button.delete_data"), "delete_data")]


def _end_form() -> List[Dict[Text, Any]]:
    """Events that close any running form (erasing or withdrawing consent ends it, like stop).

    Always sent, form or not, so the rules can say the same of these actions everywhere."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def ask_to_confirm(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The one question before an erasure, with what it would remove."""
    counts = store().lifecycle.inventory(key(tracker))
    others = {k: v for k, v in counts.items() if k != "conversation_events"}
    text = (say("privacy.confirm_delete", summary=export.summary(counts)) if any(others.values())
            else say("privacy.confirm_delete_nothing"))
    dispatcher.utter_message(text=text, buttons=[button(say("button.delete_yes"), "affirm"),
                                                 button(say("button.delete_no"), "deny")])


class ActionAnswerPrivacy(Action):
    def name(self) -> Text:
        return "action_answer_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        topic = privacy.topic_for(latest_text(tracker))
        log.info("event=privacy_answer topic=%s", topic)
        text = privacy.answer(topic, **values())
        if repeats(tracker, text):  # never the same message twice in a row
            text = say("privacy.again", answer=text)
        dispatcher.utter_message(text=text, buttons=data_buttons())
        return []


class ActionExportData(Action):
    def name(self) -> Text:
        return "action_export_data"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        user = key(tracker)
        s = store()
        data = s.lifecycle.gather(user)
        json_text, html_text = export.build(data)
        hours = export_hours()
        token = s.exports.create(user, json_text, html_text, hours)
        log.info("event=export_made rows=%d", sum(data["rows"].values()))
        path = write_files(user, token, json_text, html_text)
        if path is not None:
            dispatcher.utter_message(text=say("privacy.export_files", summary=export.summary(data["rows"]),
                                              html=str(path), json=str(path.with_suffix(".json"))))
            return []
        base = f"{public_url()}/webhooks/exports/{token}"
        dispatcher.utter_message(text=say("privacy.export_ready", summary=export.summary(data["rows"]),
                                          html=f"{base}.html", json=f"{base}.json", hours=_number(hours)))
        return []


class ActionConfirmDelete(Action):
    def name(self) -> Text:
        return "action_confirm_delete"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        ask_to_confirm(dispatcher, tracker)
        return _end_form()


class ActionDeleteData(Action):
    """Erases everything about the person, once they have said yes to :class:`ActionConfirmDelete`."""

    def name(self) -> Text:
        return "action_delete_data"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        if previous_action(tracker) != "action_confirm_delete":
            # Never without the question just before: ask it now.
            ask_to_confirm(dispatcher, tracker)
            return []
        user = key(tracker)
        removed = store().lifecycle.erase(user)
        remove_files(user)
        dispatcher.utter_message(text=say("privacy.deleted", summary=export.summary(removed)))
        return _end_form() + [SlotSet(ERASED_SLOT, True)]


class ActionKeepData(Action):
    def name(self) -> Text:
        return "action_keep_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        dispatcher.utter_message(text=say("privacy.kept"))
        return []


class ActionWithdrawConsent(Action):
    def name(self) -> Text:
        return "action_withdraw_consent"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        user = key(tracker)
        s = store()
        s.people.record_consent(user, False)
        counts = s.lifecycle.inventory(user)
        kept = {k: counts[k] for k in ("assessments", "ratings", "reflections")}
        if any(kept.values()):
            dispatcher.utter_message(text=say("privacy.withdrawn", summary=export.summary(kept)),
                                     buttons=[button(say("button.delete_data"), "delete_data"),
                                              button(say("button.delete_no"), "deny")])
        else:
            dispatcher.utter_message(text=say("privacy.withdrawn_nothing"), buttons=data_buttons())
        return [SlotSet("consent_given", None)] + _end_form()
