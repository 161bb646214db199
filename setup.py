"""Packaging detail pyproject.toml cannot say: the top-level ``templates/`` folder (the guide's templates,
mail templates, translation catalogs, which a school may read and copy) ships inside the package as
``sheets_sync/templates`` so that an installed sheets_sync finds it (``sheets_sync/resources.py``)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["sheets_sync", "sheets_sync.*"]), "sheets_sync.templates"],
    package_dir={"sheets_sync.templates": "templates"},
    package_data={"sheets_sync.templates": ["**/*"], "sheets_sync.emulator.discovery": ["*.json"]},
    include_package_data=False,
)
