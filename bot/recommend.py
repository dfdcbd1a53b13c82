"""Matching learning offers from the catalogue to a person.

A person may be described by the dimensions they want to develop (most needed
first), by their career stage, or both; or they may ask about a topic
("anything on coaching?", :func:`recommend_for_topics`) or about one offer
(:func:`describe_offer`). Each recommendation carries one sentence saying why it
fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

from bot.content import Content, Offer

EARLY_CAREER = "early_career"


@dataclass(frozen=True)
class Recommendation:
    offer: Offer
    reason: str
    dimension: Optional[str] = None
    # The topic asked about that this offer is listed under; None for offers added
    # only to make up the number.
    topic: Optional[str] = None


def _score(offer: Offer, dimensions: Sequence[str], stage: Optional[str]) -> float:
    score = 0.0
    for weight, dim in zip((3.0, 2.0, 1.5, 1.0, 1.0, 1.0), dimensions):
        if dim in offer.dimensions:
            score += weight
    if stage:
        score += 4.0 if stage in offer.career_stages else -6.0
        if stage == EARLY_CAREER and offer.cost.lower().startswith("free"):
            score += 1.0  # the gentler path starts with free, short things
    if offer.kind == "tool":
        score -= 1.5  # tools are offered separately (self-assessment, 360)
    return score


def recommend(content: Content, dimensions: Sequence[str] = (), stage: Optional[str] = None,
              limit: int = 3) -> List[Recommendation]:
    """The best ``limit`` offers for these dimensions and this career stage."""
    dims = [d for d in dimensions if d]
    ranked = sorted(
        content.offers,
        key=lambda o: (-_score(o, dims, stage), content.offers.index(o)),
    )
    picked: List[Recommendation] = []
    for offer in ranked:
        if len(picked) >= limit:
            break
        if stage and stage not in offer.career_stages:
            continue
        if dims and not any(d in offer.dimensions for d in dims) and len(picked) >= 1:
            continue
        served = next((d for d in dims if d in offer.dimensions), None)
        picked.append(Recommendation(offer, _reason(content, offer, served, stage), served))
    return picked


def _reason(content: Content, offer: Offer, dimension: Optional[str], stage: Optional[str]) -> str:
    dim_name = content.dimension(dimension).name.lower() if dimension else content.say("recommend.your_leadership")
    why = offer.why if dimension else offer.why.replace("your {dimension}", "{dimension}")  # not "your your"
    reason = why.replace("{dimension}", dim_name)
    if stage and stage in offer.career_stages:
        reason = content.say("recommend.reason_with_stage", reason=reason, stage=content.stage(stage).name.lower())
    return reason


def format_recommendation(content: Content, rec: Recommendation) -> str:
    """One offer as a line: title, the facts that help choose, why it fits, the link."""
    o = rec.offer
    details = ", ".join(x for x in (o.provider, o.format, o.length, o.cost) if x)
    key = "recommend.offer_with_note" if o.note else "recommend.offer"
    return content.say(key, title=o.title, details=details, reason=rec.reason, link=o.link, note=o.note)


def early_career_path(content: Content) -> List[Recommendation]:
    """The enhance First Principles path: the guide first, then the other starter offers."""
    recs = []
    for offer_id in content.early_career.recommended_offers:
        offer = content.offer(offer_id)
        dim = offer.dimensions[0] if offer.dimensions else None
        recs.append(Recommendation(offer, _reason(content, offer, dim, EARLY_CAREER), dim))
    return recs


# The first topic asked about weighs most, as the first dimension does in ``recommend``.
_TOPIC_WEIGHTS = (3.0, 2.0, 1.5, 1.0)


def _topic_score(offer: Offer, topics: Sequence[str]) -> float:
    return sum(_TOPIC_WEIGHTS[min(i, len(_TOPIC_WEIGHTS) - 1)] for i, t in enumerate(topics) if t in offer.topics)


def _topic_rank(offer: Offer, topics: Sequence[str]) -> int:
    """How early the offer lists one of these topics: an offer mainly about it comes before one that touches it."""
    return min((offer.topics.index(t) for t in topics if t in offer.topics), default=len(offer.topics))


def _topic_dimensions(content: Content, topic_id: str) -> List[str]:
    """The dimensions a topic's own words point at, in order: the reason speaks of the nearest one."""
    topic = content.topic(topic_id)
    found: List[str] = []
    for phrase in (topic.name, *topic.words):
        dim = content.resolve_dimension(phrase)
        if dim and dim not in found:
            found.append(dim)
    return found


def recommend_for_topics(content: Content, topics: Sequence[str], stage: Optional[str] = None,
                         limit: int = 3) -> List[Recommendation]:
    """The best ``limit`` offers for these topics (ids, most wanted first) and this career stage.

    Offers listed under the topics come first, ranked as :func:`recommend` ranks
    them (the first topic weighs most, the career stage is never broken, tools
    weigh less, early career prefers free; then offers mainly about the topic
    before those that touch it); each one's reason names the topic. If there are fewer than ``limit``,
    the rest are the general picks for the stage, with ``topic`` None and their
    usual reason, so the caller can tell them apart. Unknown topic ids raise
    ``KeyError``.
    """
    wanted: List[str] = []
    for topic_id in topics:
        if topic_id and topic_id not in wanted:
            content.topic(topic_id)  # an unknown id is a bug in the caller
            wanted.append(topic_id)
    ranked = sorted(
        content.offers,
        key=lambda o: (0 if _topic_score(o, wanted) else 1, -(_topic_score(o, wanted) + _score(o, (), stage)),
                       _topic_rank(o, wanted), content.offers.index(o)),
    )
    near = {t: _topic_dimensions(content, t) for t in wanted}
    picked: List[Recommendation] = []
    for offer in ranked:
        if len(picked) >= limit:
            break
        if stage and stage not in offer.career_stages:
            continue
        topic_id = next((t for t in wanted if t in offer.topics), None)
        if topic_id:
            dim = next((d for d in near[topic_id] if d in offer.dimensions),
                       offer.dimensions[0] if offer.dimensions else None)
            reason = content.say("topics.why_topic", topic=content.topic(topic_id).name,
                                 reason=_reason(content, offer, dim, stage))
            picked.append(Recommendation(offer, reason, dim, topic_id))
        else:
            picked.append(Recommendation(offer, _reason(content, offer, None, stage), None, None))
    return picked


def offers_for_topic(content: Content, topic_id: str) -> List[Offer]:
    """Every offer listed under ``topic_id``, in catalogue order (``KeyError`` if no such topic)."""
    content.topic(topic_id)
    return [o for o in content.offers if topic_id in o.topics]


def describe_offer(content: Content, offer_id: str) -> str:
    """One offer in full: what it is, who it is for, format, length, cost, link and note.

    ``KeyError`` if there is no such offer.
    """
    o = content.offer(offer_id)
    dimensions = content.join_names([content.dimension(d).name.lower() for d in o.dimensions])
    key = "topics.describe_with_note" if o.note else "topics.describe"
    return content.say(
        key,
        title=o.title,
        kind=content.say(f"topics.kind.{o.kind}"),
        provider=o.provider,
        audience=o.audience,
        format=o.format,
        length=o.length,
        cost=o.cost,
        dimensions=dimensions,
        link=o.link,
        note=o.note,
        check=content.say("topics.check_page"),
    )
