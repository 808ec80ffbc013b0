"""Root conftest: this repository's default hypothesis profile.

The plugin registers the profiles and loads the one ``SEQURITY_HYPOTHESIS_PROFILE`` names, in any
project; here, when it names none, CI runs ``sequrity-ci`` and local runs ``sequrity-dev`` (the
nightly job sets ``sequrity-nightly``).
"""

import os

import pytest

from sequrity_contract.contract_tests.profiles import PROFILE_ENV, load_profile


def pytest_configure(config: pytest.Config) -> None:
    """``sequrity-ci`` on CI, else ``sequrity-dev``, unless ``$SEQURITY_HYPOTHESIS_PROFILE`` chose."""
    if not os.environ.get(PROFILE_ENV):
        load_profile("sequrity-ci" if os.environ.get("CI") else "sequrity-dev", "the root conftest")
