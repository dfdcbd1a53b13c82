"""The coach itself: plain Python with no Rasa imports in its core modules.

Modules:
    content     the data files under ``bot/content`` loaded into typed, validated objects
    assessment  self-assessment progress and profiles
    reflection  choosing reflective prompts
    recommend   matching learning offers to a person
    safety      distress detection and redaction of identifiers
    identity    turning a channel's sender id into a stored user key
    storage     the only module that talks to the database
"""

__version__ = "0.1.0"
