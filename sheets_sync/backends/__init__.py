"""I/O adapters behind one interface (:class:`~sheets_sync.backends.base.Workbook`)."""
