"""Everything the coach knows, loaded from the YAML files in this folder.

The package keeps one job per module:

    model     the ids, the frozen records and the errors
    loader    reading and checking each file (``load_content``, ``get_content``)
    matching  matching people's words to dimensions, levels, career stages, topics and offers
    messages  the message catalogue: templates and replies in ``messages.yml``

Import from here; the modules behind it may move.
"""

from bot.content.loader import DEFAULT_CONTENT_DIR, get_content, load_content
from bot.content.model import (
    CAREER_STAGE_IDS,
    DIMENSION_IDS,
    LEVEL_IDS,
    NOT_SURE,
    OFFER_KINDS,
    Button,
    CareerStage,
    Contact,
    Content,
    ContentError,
    Dimension,
    EarlyCareer,
    Facilitators,
    FocusArea,
    Level,
    MessageError,
    Offer,
    Prompt,
    Region,
    Response,
    Scale,
    Signposting,
    Topic,
    dimension_choices,
)

__all__ = [
    "CAREER_STAGE_IDS",
    "DEFAULT_CONTENT_DIR",
    "DIMENSION_IDS",
    "LEVEL_IDS",
    "NOT_SURE",
    "OFFER_KINDS",
    "Button",
    "CareerStage",
    "Contact",
    "Content",
    "ContentError",
    "Dimension",
    "EarlyCareer",
    "Facilitators",
    "FocusArea",
    "Level",
    "MessageError",
    "Offer",
    "Prompt",
    "Region",
    "Response",
    "Scale",
    "Signposting",
    "Topic",
    "dimension_choices",
    "get_content",
    "load_content",
]
