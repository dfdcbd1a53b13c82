"""The coach itself: plain Python, testable without a server.

Modules:
    content     the data files under ``bot/content`` loaded into typed, validated objects:
                the model, learning offers, signposting, and every sentence the coach says
    text        the one text normaliser shared by matching, the intent classifier and the safety net
    assessment  self-assessment progress and profiles
    reflection  choosing reflective prompts
    recommend   matching learning offers to a person
    safety      distress detection and redaction of identifiers
    identity    turning a channel's sender id into a stored user key
    storage     the one door to the database: a room per aggregate, the engine, the migrations
    servers     starting and stopping the action and Rasa servers (tests, benchmark)
    rasa_ext    the Rasa adapters: intent classifier, distress detector, tracker store, NLG
"""

__version__ = "0.1.0"
