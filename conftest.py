"""Root conftest: choose the hypothesis profile (the plugin registers them).

``SEQURITY_HYPOTHESIS_PROFILE`` picks one; CI runs ``sequrity-ci``, local runs
``sequrity-dev``, and the nightly job sets ``sequrity-nightly``.
"""

import os

from hypothesis import settings

from sequrity_contract.contract_tests import plugin  # noqa: F401  (registers the profiles even without the entry point)

settings.load_profile(
    os.environ.get("SEQURITY_HYPOTHESIS_PROFILE") or ("sequrity-ci" if os.environ.get("CI") else "sequrity-dev")
)
