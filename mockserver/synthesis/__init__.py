"""Synthesis: the default responder and one synthesizer per endpoint (see :mod:`.registry`)."""

from . import chat_completions as chat_completions  # registers the chat completions synthesizer
from . import messages as messages  # registers the messages synthesizer
from . import policy_gen as policy_gen  # registers the answer of policy generation
from . import responses as responses  # registers the responses synthesizer
from . import validate_headers as validate_headers  # registers the answer of /control/v1/validate-headers
from .messages import synthesize
from .registry import (
    JSON_ANSWERS,
    SYNTHESIZERS,
    Synthesizer,
    register_json_answer,
    register_synthesizer,
    unregister_synthesizer,
)

__all__ = ["JSON_ANSWERS", "SYNTHESIZERS", "Synthesizer", "register_json_answer", "register_synthesizer",
           "synthesize", "unregister_synthesizer"]
