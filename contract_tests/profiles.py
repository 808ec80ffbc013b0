"""The hypothesis profiles ``sequrity-dev``, ``sequrity-ci``, ``sequrity-nightly``, and the choice of one.

The profiles are registered whenever hypothesis is imported (the ``hypothesis`` entry point calls
:func:`register_profiles`), so loading the pytest plugin does not import hypothesis. The plugin
loads the profile named by ``$SEQURITY_HYPOTHESIS_PROFILE`` (else by the ini option
``sequrity_hypothesis_profile``) at ``pytest_configure``, in any project; ``--hypothesis-profile``
still wins.
"""

from __future__ import annotations

from typing import Any

from .errors import ContractTestsError

__all__ = ["PROFILES", "PROFILE_ENV", "PROFILE_INI", "UnknownProfileError", "load_profile", "register_profiles"]

PROFILE_ENV = "SEQURITY_HYPOTHESIS_PROFILE"
"""The environment variable naming the hypothesis profile the plugin loads."""
PROFILE_INI = "sequrity_hypothesis_profile"
"""The ini option naming it (the environment variable wins)."""

PROFILES: dict[str, dict[str, Any]] = {
    "sequrity-dev": {"max_examples": 25, "deadline": None},
    "sequrity-ci": {"max_examples": 100, "deadline": None, "suppress_health_check": ("too_slow",)},
    "sequrity-nightly": {"max_examples": 2000, "deadline": None, "suppress_health_check": ("too_slow",)},
}
"""The profiles' settings (health checks by name): ``sequrity-dev`` (fast), ``sequrity-ci`` and
``sequrity-nightly`` (thousands of examples)."""


class UnknownProfileError(ContractTestsError, LookupError):
    """A profile name hypothesis does not know; the message names where it came from."""


def register_profiles() -> None:
    """Register the :data:`PROFILES` with hypothesis (imports it; registering again is harmless)."""
    from hypothesis import HealthCheck, settings

    for name, values in PROFILES.items():
        chosen = dict(values)
        if "suppress_health_check" in chosen:
            chosen["suppress_health_check"] = [HealthCheck[check] for check in chosen["suppress_health_check"]]
        settings.register_profile(name, **chosen)


def load_profile(name: str, where: str = PROFILE_ENV) -> None:
    """Make ``name`` (one of :data:`PROFILES`, or a profile the project registered) hypothesis's current
    profile; :class:`UnknownProfileError` naming ``where`` when there is no such profile."""
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    register_profiles()
    try:
        settings.load_profile(name)
    except InvalidArgument:
        raise UnknownProfileError(f"{where}={name!r}: no such hypothesis profile; expected one of "
                                  f"{', '.join(PROFILES)} (or a profile your conftest.py registers)") from None


def _hypothesis_setup_hook() -> None:
    """Hypothesis's entry point (group ``hypothesis``): runs when hypothesis is imported."""
    register_profiles()
