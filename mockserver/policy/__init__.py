"""Security policies enforced on the mock's answers (docs/contract.md §12): every tool call an
answer is about to make is decided by the session's SQRT policy, and a denied call gives way to
the service's refusal."""

from .enforcement import RETRY_ATTEMPTS, Checked, PolicyEnforcement, PolicyRequest

__all__ = ["RETRY_ATTEMPTS", "Checked", "PolicyEnforcement", "PolicyRequest"]
