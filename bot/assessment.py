"""Self-assessment: which dimension comes next, and what a finished one says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from bot.content import DIMENSION_IDS, LEVEL_IDS, NOT_SURE, Content

RANK = {level: n for n, level in enumerate(LEVEL_IDS, start=1)}


def next_dimension(answered: Sequence[str], prefer: Optional[str] = None) -> Optional[str]:
    """The next dimension to ask about: ``prefer`` if still open, else model order."""
    done = set(answered)
    if prefer in DIMENSION_IDS and prefer not in done:
        return prefer
    for dim in DIMENSION_IDS:
        if dim not in done:
            return dim
    return None


def question_dimension(answered: Sequence[str], first: Optional[str] = None,
                       revisit: Optional[str] = None) -> Optional[str]:
    """The dimension the self-assessment asks about now: one the person asked to change
    (``revisit``), else the next unanswered one (``first`` if they asked to start there)."""
    if revisit in DIMENSION_IDS:
        return revisit
    return next_dimension(answered, first)


def describe_partial(content: Content, ratings: Sequence) -> str:
    """The answers so far of an assessment in progress, in dimension order (``profile.partial_*``)."""
    say = content.say
    by_dim = {r.dimension_id: r for r in ratings}
    parts = []
    for dim in DIMENSION_IDS:
        r = by_dim.get(dim)
        if r is None:
            continue
        if r.skipped or not r.level:
            level = say("profile.partial_skipped")
        else:
            level = content.scale.get(r.level).name.lower() if r.level in LEVEL_IDS else content.scale.not_sure.name.lower()
        parts.append(say("profile.rating", dimension=content.dimension(dim).name, level=level))
    return ", ".join(parts)


def progress(answered: Sequence[str]) -> Tuple[int, int]:
    return len(set(answered) & set(DIMENSION_IDS)), len(DIMENSION_IDS)


@dataclass(frozen=True)
class Profile:
    levels: Mapping[str, Optional[str]]  # dimension -> level id or not_sure (skipped ones absent)
    strengths: Tuple[str, ...]
    develop: Tuple[str, ...]
    not_sure: Tuple[str, ...]
    skipped: Tuple[str, ...]

    @property
    def rated(self) -> Dict[str, str]:
        return {d: lv for d, lv in self.levels.items() if lv in RANK}

    @property
    def even(self) -> bool:
        ranks = {RANK[lv] for lv in self.rated.values()}
        return len(ranks) == 1 and len(self.rated) > 1

    @property
    def focus(self) -> Tuple[str, ...]:
        """Dimensions to build recommendations and reflections on, most needed first."""
        if self.develop:
            return self.develop + tuple(d for d in self.not_sure if d not in self.develop)
        if self.not_sure:
            return self.not_sure
        return tuple(sorted(self.rated, key=lambda d: (RANK[self.rated[d]], DIMENSION_IDS.index(d))))[:3]


def build_profile(levels: Mapping[str, Optional[str]], skipped: Sequence[str] = (), top: int = 3) -> Profile:
    """Strengths are the highest-rated dimensions, areas to develop the lowest.

    Ties are broken by the model's order; an even profile has neither.
    "Not sure yet" answers are listed separately as areas to explore.
    """
    order = {d: n for n, d in enumerate(DIMENSION_IDS)}
    rated = {d: lv for d, lv in levels.items() if lv in RANK}
    unsure = tuple(sorted((d for d, lv in levels.items() if lv == NOT_SURE), key=order.get))
    strengths: Tuple[str, ...] = ()
    develop: Tuple[str, ...] = ()
    if rated:
        ranks = [RANK[lv] for lv in rated.values()]
        hi, lo = max(ranks), min(ranks)
        if hi > lo:
            strengths = tuple(
                sorted((d for d in rated if RANK[rated[d]] > lo), key=lambda d: (-RANK[rated[d]], order[d]))
            )[:top]
            develop = tuple(
                sorted((d for d in rated if RANK[rated[d]] < hi), key=lambda d: (RANK[rated[d]], order[d]))
            )[:top]
            develop = tuple(d for d in develop if d not in strengths)
    return Profile(
        levels=dict(levels),
        strengths=strengths,
        develop=develop,
        not_sure=unsure,
        skipped=tuple(sorted(set(skipped), key=order.get)),
    )


@dataclass(frozen=True)
class Change:
    dimension: str
    before: str
    after: str

    @property
    def delta(self) -> int:
        return RANK.get(self.after, 0) - RANK.get(self.before, 0)


def compare(previous: Mapping[str, Optional[str]], current: Mapping[str, Optional[str]]) -> List[Change]:
    """Dimensions whose rating changed between two assessments (rated in both)."""
    changes = []
    for dim in DIMENSION_IDS:
        before, after = previous.get(dim), current.get(dim)
        if before in RANK and after in RANK and before != after:
            changes.append(Change(dim, before, after))
    return changes


def latest_profile(completed: Sequence) -> Tuple[Optional[Profile], List[Change], bool]:
    """From completed assessments (newest first): the latest profile, changes since the one before,
    and whether there was one before."""
    if not completed:
        return None, [], False
    latest = completed[0]
    skipped = [r.dimension_id for r in latest.ratings if r.skipped]
    profile = build_profile(latest.levels, skipped)
    if len(completed) > 1:
        return profile, compare(completed[1].levels, latest.levels), True
    return profile, [], False


def profile_chart(content: Content, completed: Sequence) -> Optional[Dict[str, object]]:
    """The latest profile as chart data for the web page (``docs/web-protocol.md``), or None.

    ``completed`` is newest first, as :func:`latest_profile` takes it. ``level`` and ``previous``
    index the four levels (0-3); a skipped or "not sure" dimension is ``None``. The words travel
    with the chart (``summary``) and the page gives a table as its text equivalent.
    """
    if not completed:
        return None

    def index(levels: Mapping[str, Optional[str]], dim: str) -> Optional[int]:
        level = levels.get(dim)
        return RANK[level] - 1 if level in RANK else None

    latest = completed[0].levels
    previous = completed[1].levels if len(completed) > 1 else {}
    rows = [{"id": d.id, "name": d.name, "level": index(latest, d.id), "previous": index(previous, d.id)}
            for d in content.dimensions]
    if all(row["level"] is None for row in rows):
        return None
    return {"kind": "profile", "title": content.say("profile.chart_title"),
            "levels": [content.scale.get(level).name for level in LEVEL_IDS],
            "dimensions": rows,
            "summary": content.say("profile.chart_summary_change" if previous else "profile.chart_summary")}


def _names(content: Content, ids: Sequence[str]) -> str:
    return content.join_names([content.dimension(d).name for d in ids])


def describe_profile(content: Content, profile: Profile, changes: Optional[List[Change]] = None,
                     had_previous: bool = False) -> str:
    """The profile in a few short paragraphs, in the coach's words (``profile.*`` in messages.yml)."""
    say = content.say
    lines: List[str] = []
    rated = profile.rated
    if not rated and not profile.not_sure:
        return say("profile.all_skipped")
    if rated:
        summary = ", ".join(
            say("profile.rating", dimension=content.dimension(d).name, level=content.scale.get(lv).name.lower())
            for d, lv in sorted(rated.items(), key=lambda kv: DIMENSION_IDS.index(kv[0]))
        )
        lines.append(say("profile.summary", ratings=summary))
    if profile.even:
        level = content.scale.get(next(iter(rated.values()))).name.lower()
        lines.append(say("profile.even", level=level))
    if profile.strengths:
        lines.append(say("profile.strengths", dimensions=_names(content, profile.strengths)))
    if profile.develop:
        lines.append(say("profile.develop", dimensions=_names(content, profile.develop)))
    if profile.not_sure:
        lines.append(say("profile.not_sure", dimensions=_names(content, profile.not_sure)))
    if profile.skipped:
        lines.append(say("profile.skipped", dimensions=_names(content, profile.skipped)))
    if changes:
        moved = "; ".join(
            say("profile.change", dimension=content.dimension(c.dimension).name,
                before=content.scale.get(c.before).name.lower(), after=content.scale.get(c.after).name.lower())
            for c in changes
        )
        lines.append(say("profile.since_last_time", changes=moved))
    elif had_previous:
        lines.append(say("profile.no_change"))
    return "\n".join(lines)
