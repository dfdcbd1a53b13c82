"""Choosing reflective prompts.

A reflection session opens with the enhance guide's question about being on
the receiving end of yourself, then asks prompts for one dimension, chosen by
the person or suggested from their profile and past reflections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.content import DIMENSION_IDS, Content, FocusArea

RECEIVING_END_ID = "receiving_end"


@dataclass(frozen=True)
class PlannedPrompt:
    id: str
    text: str
    dimension: Optional[str]


def suggest_dimension(focus: Sequence[str] = (), counts: Optional[Mapping[str, int]] = None) -> str:
    """A dimension to reflect on: the least-reflected of the person's focus areas, else of all."""
    counts = counts or {}
    pool = [d for d in focus if d in DIMENSION_IDS] or list(DIMENSION_IDS)
    return min(pool, key=lambda d: (counts.get(d, 0), pool.index(d)))


def plan(content: Content, dimension: str, answered_prompt_ids: Iterable[str] = (),
         per_dimension: int = 2, include_receiving_end: bool = True) -> List[PlannedPrompt]:
    """The prompts for one session: the receiving-end question, then fresh dimension prompts."""
    seen = set(answered_prompt_ids)
    dim = content.dimension(dimension)
    fresh = [p for p in dim.prompts if p.id not in seen]
    if len(fresh) < per_dimension:  # all used before: start the cycle again
        fresh = fresh + [p for p in dim.prompts if p not in fresh]
    prompts = [PlannedPrompt(p.id, p.text, dim.id) for p in fresh[:per_dimension]]
    if include_receiving_end:
        prompts.insert(0, PlannedPrompt(RECEIVING_END_ID, content.early_career.receiving_end_question, None))
    return prompts


def find_prompt(content: Content, prompt_id: str) -> Optional[PlannedPrompt]:
    if prompt_id == RECEIVING_END_ID:
        return PlannedPrompt(RECEIVING_END_ID, content.early_career.receiving_end_question, None)
    for dim in content.dimensions:
        for p in dim.prompts:
            if p.id == prompt_id:
                return PlannedPrompt(p.id, p.text, dim.id)
    for area in content.early_career.focus_areas:
        if f"ec_{area.id}" == prompt_id:
            return PlannedPrompt(prompt_id, area.prompt, area.dimensions[0] if area.dimensions else None)
    return None


def early_career_plan(content: Content, answered_prompt_ids: Sequence[str]) -> Tuple[List[FocusArea], List[str]]:
    """For early-career staff: the receiving-end question, then the two enhance focus areas used least."""
    used = {pid: list(answered_prompt_ids).count(pid) for pid in set(answered_prompt_ids)}
    areas = sorted(content.early_career.focus_areas, key=lambda a: used.get(f"ec_{a.id}", 0))[:2]
    return areas, [RECEIVING_END_ID] + [f"ec_{a.id}" for a in areas]
