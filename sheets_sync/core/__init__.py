"""The pure core: pandas + stdlib + matching libraries. No gspread, openpyxl, smtplib or argparse.

Data flows one way: backends read tabs into :class:`~sheets_sync.core.model.Grid` objects,
the core turns them into records, clusters and output tables, backends write them back.
"""
