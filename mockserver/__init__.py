"""An aiohttp mock of Sequrity's Control API messages endpoint.

>>> from mockserver import MockServer
>>> with MockServer(seed=1) as server:  # doctest: +SKIP
...     url = server.messages_url()
"""

from .app import create_app
from .cassette import Cassette, CassetteError
from .config import Latency, MockConfig
from .errors import ApiError
from .handle import MockServer
from .matching import Difference
from .responder import Reply, RequestContext, Responder
from .synthesis import Synthesizer, synthesize

__all__ = [
    "ApiError",
    "Cassette",
    "CassetteError",
    "Difference",
    "Latency",
    "MockConfig",
    "MockServer",
    "Reply",
    "RequestContext",
    "Responder",
    "Synthesizer",
    "create_app",
    "synthesize",
]
