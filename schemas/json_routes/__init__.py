"""The Control API's routes that are not LLM-message endpoints, on their own seam
(:class:`~.route.JsonRoute`): header validation and policy generation.

Adding one is one module here that registers its documents and its :class:`~.route.JsonRoute`;
**registration line**: import it below.
"""

from .policy_gen import POLICY_GEN
from .route import JSON_ROUTES, JsonRoute, ServedRoute, get_served_route, register_json_route
from .validate_headers import VALIDATE_HEADERS

__all__ = ["JSON_ROUTES", "POLICY_GEN", "VALIDATE_HEADERS", "JsonRoute", "ServedRoute", "get_served_route",
           "register_json_route"]
