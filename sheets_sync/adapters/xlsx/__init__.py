"""The local workbook backend (.xlsx: openpyxl for structure, lxml for speed): the embedded default."""
