"""Custom actions: thin adapters between Rasa and the coach in ``bot/``.

One module per capability (explore, assessment, reflection, recommend,
safety) and three shared rooms (common, consent, forms). Each action reads
slots and entities, calls the coach, and sends messages worded in
``bot/content/messages.yml``. Nothing here writes SQL or holds content.

The content files are loaded when the action server imports this package, so
a broken or incomplete file stops start-up with the file, the entry and the
problem, rather than failing in the middle of someone's conversation.
"""

from bot.content import get_content

get_content()
