"""The guide's templates as data: one TOML file per staff-entered template tab.

Each file names its tab, its columns (header, width, help note, dropdown choices) and the
guide's fixed rows. :mod:`sheets_sync.core.templates` loads them into ``TemplateSpec`` objects;
:mod:`sheets_sync.core.provision` plans what ``init`` writes from them.
"""
