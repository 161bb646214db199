"""A reproducible demo school: messy teachers' lists in five languages, staff, recording sheets.

Pure generation (``generate_school``, ``true_pairs``) and one adapter (``write_demo_workbook``).
"""

from sheets_sync.demo.generate import generate_school
from sheets_sync.demo.model import DemoList, DemoSchool, true_pairs, truth_clusters
from sheets_sync.demo.workbook import write_demo_workbook

__all__ = ["DemoList", "DemoSchool", "generate_school", "true_pairs", "truth_clusters", "write_demo_workbook"]
