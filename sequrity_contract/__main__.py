"""``python -m sequrity_contract``: the ``sequrity-mock`` command."""

import sys

from sequrity_contract.cli import main

sys.exit(main())
