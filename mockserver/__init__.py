"""An aiohttp mock of Sequrity's Control API: every registered endpoint (messages first).

>>> from sequrity_contract.mockserver import MockServer
>>> with MockServer(seed=1) as server:  # doctest: +SKIP
...     url = server.messages_url()
"""

from .app import create_app
from .config import MockConfig
from .errors import ApiError, MockServerError
from .handle import MockServer
from .modes.cassette import Cassette, CassetteError
from .modes.matching import Difference
from .pipeline.latency import Latency
from .pipeline.responder import Reply, RequestContext, Responder
from .synthesis import Synthesizer, register_synthesizer, synthesize

__all__ = [
    "ApiError",
    "Cassette",
    "CassetteError",
    "Difference",
    "Latency",
    "MockConfig",
    "MockServer",
    "MockServerError",
    "Reply",
    "RequestContext",
    "Responder",
    "Synthesizer",
    "create_app",
    "register_synthesizer",
    "synthesize",
]
