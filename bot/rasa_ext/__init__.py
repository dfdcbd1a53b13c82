"""Rasa-specific adapters for the coach: an NLU component and a tracker store.

These are the only modules in ``bot/`` that import Rasa; the rest of the
package is plain Python.
"""
