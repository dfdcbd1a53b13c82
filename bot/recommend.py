"""Matching learning offers from the catalogue to a person.

A person may be described by the dimensions they want to develop (most needed
first), by their career stage, or both. Each recommendation carries one
sentence saying why it fits.
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
    reason = offer.why.replace("{dimension}", dim_name)
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
