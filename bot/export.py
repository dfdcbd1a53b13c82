"""A person's export: everything the coach keeps about them, as JSON and as a readable page.

The data comes from :meth:`bot.storage.lifecycle.DataLifecycle.gather` (the same rows an erasure
removes); the page's words come from ``messages.yml`` (``export_page.*``). Every value is escaped:
what a person once typed is shown as text, never as HTML, and the page has no scripts.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.content import get_content

FORMAT_VERSION = 1


def _say(key: str, **values: Any) -> str:
    return get_content().say(key, **values)


_ITEMS = (("reflections", "privacy.item_reflections"), ("assessments", "privacy.item_assessments"),
          ("consents", "privacy.item_consents"), ("conversation_events", "privacy.item_conversation"),
          ("exports", "privacy.item_exports"))


def summary(counts: Dict[str, int]) -> str:
    """The counts in words: "4 reflection answers, 1 self-assessment (9 answers), ..."."""
    parts: List[str] = []
    for table, key in _ITEMS:
        n = counts.get(table) or 0
        if n:
            parts.append(_say(key + ("_one" if n == 1 else ""), n=n, ratings=counts.get("ratings", 0)))
    if not parts:
        return _say("privacy.summary_none")
    if len(parts) == 1:
        return parts[0]
    return _say("list.join", items=", ".join(parts[:-1]), last=parts[-1])


def conversation_lines(events: Iterable[Dict[str, Any]]) -> List[Tuple[Optional[float], str, str]]:
    """(timestamp, "you" | "coach", text) for each message of the conversation, in order."""
    lines = []
    for e in events:
        if e.get("event") == "user" and e.get("text"):
            lines.append((e.get("timestamp"), "you", str(e["text"])))
        elif e.get("event") == "bot" and e.get("text"):
            lines.append((e.get("timestamp"), "coach", str(e["text"])))
    return lines


def as_json(data: Dict[str, Any], made: datetime) -> str:
    return json.dumps({"format": FORMAT_VERSION, "made": made.isoformat(timespec="seconds"), **data},
                      indent=2, ensure_ascii=False)


def _when(ts: Optional[float]) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M")


def as_html(data: Dict[str, Any], made: datetime) -> str:
    e = html.escape
    c = get_content()
    dims = {d.id: d.name for d in c.dimensions}

    def level_name(level: Optional[str]) -> str:
        if not level:
            return "-"
        try:
            return c.scale.get(level).name
        except Exception:
            return level

    out: List[str] = []
    out.append(f"<h2>{e(_say('export_page.counts'))}</h2><p>{e(summary(data['rows']))}</p>")
    person = data.get("person")
    if person:
        out.append(f"<h2>{e(_say('export_page.person'))}</h2><dl>")
        out.append(f"<dt>{e(_say('export_page.first_seen'))}</dt><dd>{e(person.get('first_seen') or '')}</dd>")
        if person.get("career_stage"):
            out.append(f"<dt>{e(_say('export_page.career_stage'))}</dt><dd>{e(person['career_stage'])}</dd>")
        out.append("</dl>")
    if data.get("consents"):
        out.append(f"<h2>{e(_say('export_page.consents'))}</h2><ul>")
        for item in data["consents"]:
            answer = _say("export_page.consent_yes" if item["given"] else "export_page.consent_no")
            out.append(f"<li>{e(item['at'] or '')}: {e(answer)}</li>")
        out.append("</ul>")
    out.append(f"<h2>{e(_say('export_page.assessments'))}</h2>")
    if not data.get("assessments"):
        out.append(f"<p>{e(_say('export_page.none'))}</p>")
    for a in data.get("assessments", []):
        out.append(f"<h3>{e(a['started'] or '')} ({e(a['status'])})</h3><ul>")
        for r in a["ratings"]:
            note = f": {e(r['note'])}" if r.get("note") else ""
            out.append(f"<li>{e(dims.get(r['dimension'], r['dimension']))}: {e(level_name(r['level']))}{note}</li>")
        out.append("</ul>")
    out.append(f"<h2>{e(_say('export_page.reflections'))}</h2>")
    if not data.get("reflections"):
        out.append(f"<p>{e(_say('export_page.none'))}</p>")
    for r in data.get("reflections", []):
        out.append(f"<h3>{e(r['at'] or '')} {e(dims.get(r['dimension'] or '', ''))}</h3>")
        if r.get("situation"):
            out.append(f"<p><strong>{e(_say('export_page.situation'))}:</strong> {e(r['situation'])}</p>")
        out.append(f"<p><em>{e(r['prompt'])}</em></p><p>{e(r['answer'])}</p>")
    out.append(f"<h2>{e(_say('export_page.conversation'))}</h2>")
    lines = conversation_lines(data.get("conversation", []))
    if not lines:
        out.append(f"<p>{e(_say('export_page.none'))}</p>")
    else:
        out.append("<ol class='conversation'>")
        for ts, who, text in lines:
            label = _say("export_page.you" if who == "you" else "export_page.coach")
            out.append(f"<li class='{who}'><span class='when'>{e(_when(ts))}</span> "
                       f"<strong>{e(label)}:</strong> <span class='text'>{e(text)}</span></li>")
        out.append("</ol>")
    title = e(_say("export_page.title"))
    made_line = e(_say("export_page.made", date=made.strftime("%Y-%m-%d %H:%M UTC")))
    style = ("body{font-family:Arial,Helvetica,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;"
             "line-height:1.5;color:#212b32}h1,h2{color:#005eb8}.when{color:#4c6272;font-size:.9em}"
             ".text{white-space:pre-wrap}li{margin-bottom:.4em}")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title}</title><style>{style}</style></head><body><main>"
            f"<h1>{title}</h1><p>{made_line}</p>{''.join(out)}</main></body></html>")


def build(data: Dict[str, Any], made: Optional[datetime] = None) -> Tuple[str, str]:
    """(JSON text, HTML text) for the gathered data."""
    made = made or datetime.now(timezone.utc)
    return as_json(data, made), as_html(data, made)
