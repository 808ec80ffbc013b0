"""What every synthesizer shares: the stock sentences of an answer, its topic (words of the user's
message), the token count (one per four characters) and the seed of one request."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sequrity_contract.schemas.sse import compact_json, json_encoder

from . import dual_llm

CHARS_PER_TOKEN = 4
TOPIC_CHARS = 4096
"""How much of the last user message the answer's topic is taken from (work that does not grow with it)."""
_WORD = re.compile(r"[^\W_][\w'-]*")
_STOPWORDS = frozenset({
    "what", "which", "where", "when", "there", "their", "these", "those", "this", "that", "with", "from",
    "have", "your", "about", "would", "could", "should", "please",
})
OPENERS = (
    "You asked about {topic}.",
    "Here is a short answer about {topic}.",
    "Let me respond to your message about {topic}.",
    "Thanks for writing about {topic}.",
)
SENTENCES = (
    "This reply comes from the Sequrity mock server.",
    "It is synthesized from the seed and the request, not by a model.",
    "The same request always gets the same answer.",
    "Nothing was sent to a real language model.",
    "Details would depend on your own data.",
    "That should be enough for a test.",
)
AFTER_TOOL = (
    "The tool result mentions {topic}.",
    "Based on the tool output about {topic}, the task is complete.",
    "I read the tool result ({topic}) and I am done.",
)


def count_tokens(text: str) -> int:
    """Tokens in ``text``: one per four characters, rounded up."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


dumps = compact_json
"""``value`` as compact JSON (tool inputs, structured answers, dual-LLM documents)."""


_canonical = json_encoder((", ", ": "), sort_keys=True)
"""The JSON text a request's seed digests: ``json.dumps(value, sort_keys=True, ensure_ascii=False)``."""


def request_seed(seed: int, body: dict[str, Any], features: dict[str, Any] | None) -> str:
    """The string that seeds the generator for one request: seed + digest of body (but for
    ``stream``, so streamed and plain answers agree) and features."""
    return seed_and_size(seed, body, features)[0]


def seed_and_size(seed: int, body: dict[str, Any], features: dict[str, Any] | None) -> tuple[str, int]:
    """The request's seed string (:func:`request_seed`) and the characters of the JSON it digests,
    from one encoding of the body."""
    answered = {k: v for k, v in body.items() if k != "stream"}
    canonical = _canonical([answered, features])
    return f"{seed}:{hashlib.sha256(canonical.encode()).hexdigest()}", len(canonical)


def topic_of(text: str) -> str:
    """Up to three distinct words of the start of ``text`` (its first :data:`TOPIC_CHARS` characters),
    quoted, preferring words that carry meaning (longer than three letters, not a stop word): the
    first three distinct ones, else, when there is none, the first three distinct words of any kind.
    Words compare without case and are cut to 24 characters. The words are read until three are found."""
    meaningful: dict[str, str] = {}  # the words found, by their lower-case form
    plain: dict[str, str] = {}
    for match in _WORD.finditer(text, 0, TOPIC_CHARS):
        found = match.group()
        word, lower = found[:24], found[:24].lower()
        if len(found) > 3 and found.lower() not in _STOPWORDS:
            meaningful.setdefault(lower, word)
            if len(meaningful) == 3:
                break
        elif not meaningful and len(plain) < 3:
            plain.setdefault(lower, word)
    words = list((meaningful or plain).values())
    if not words:
        return "your message"
    if len(words) == 1:
        return f'"{words[0]}"'
    return ", ".join(f'"{w}"' for w in words[:-1]) + f' and "{words[-1]}"'


@dataclass
class Budget:
    """The output tokens an answer may use (``limit``) and has used."""

    limit: int
    used: int = 0

    @property
    def left(self) -> int:
        return self.limit - self.used

    def spend(self, text: str) -> tuple[str, bool]:
        """``text`` as far as the tokens left allow, spent from the budget, and whether it was cut
        (then the budget is used up: the model stopped at its limit)."""
        if count_tokens(text) > self.left:
            cut = text[: self.left * CHARS_PER_TOKEN]
            self.used = self.limit
            return cut, True
        self.used += count_tokens(text)
        return text, False


def dual_llm_document(text: str) -> str:
    """The dual-LLM result document (:mod:`.dual_llm`) whose final value is ``text``, as compact
    JSON: what a dual-LLM answer's final text is."""
    return dumps(dual_llm.success(text, dual_llm.text_program(text)))
