"""Synthesis: the default responder and one synthesizer per endpoint (see :mod:`.registry`)."""

from . import chat_completions as chat_completions  # registers the chat completions synthesizer
from . import messages as messages  # registers the messages synthesizer
from .messages import synthesize
from .registry import SYNTHESIZERS, Synthesizer, register_synthesizer, unregister_synthesizer

__all__ = ["SYNTHESIZERS", "Synthesizer", "register_synthesizer", "synthesize", "unregister_synthesizer"]
