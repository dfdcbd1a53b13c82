"""Custom actions: thin adapters between Rasa and the coach in ``bot/``.

One module per capability; each action reads slots and entities, calls the
coach, and sends messages. Nothing here writes SQL or holds content.
"""
