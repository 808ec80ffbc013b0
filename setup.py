"""Maps the repository's top-level folders into the one import package ``sequrity_contract``.

``schemas/``, ``strategies/``, ``mockserver/`` and ``contract_tests/`` stay at the root of the
repository and install as ``sequrity_contract.schemas`` and so on; ``sequrity_contract/`` holds
the package's own ``__init__`` (the version) and the command line that joins the layers.
"""

from setuptools import find_packages, setup

PACKAGE = "sequrity_contract"
LAYERS = ("schemas", "strategies", "mockserver", "contract_tests")

package_dir = {PACKAGE: PACKAGE, **{f"{PACKAGE}.{layer}": layer for layer in LAYERS}}
packages = [PACKAGE]
for layer in LAYERS:
    packages += [f"{PACKAGE}.{layer}", *(f"{PACKAGE}.{layer}.{sub}" for sub in find_packages(layer))]

setup(package_dir=package_dir, packages=packages)
