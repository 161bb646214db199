"""I/O adapters behind the port (:mod:`sheets_sync.workbook`): the .xlsx and Google backends, mail, charts, factsheet."""
