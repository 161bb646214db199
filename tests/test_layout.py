from sheets_sync.core.master.layout import keep_row_order
from sheets_sync.core.model import Grid

HEADER = ("Source A", "Source B", "Score", "Decision")


def test_existing_rows_keep_their_order_and_new_rows_go_below():
    previous = Grid.from_rows("Review", [list(HEADER), ["T!3", "U!4", "9", ""], ["T!2", "U!9", "7", "Same"]])
    rows = [["T!1", "U!1", 5, ""], ["T!2", "U!9", 7, "Same"], ["T!3", "U!4", 9, ""]]
    out = keep_row_order(rows, HEADER, ("Source A", "Source B"), previous)
    assert [r[0] for r in out] == ["T!3", "T!2", "T!1"]


def test_vanished_rows_are_dropped_and_no_previous_tab_keeps_computed_order():
    previous = Grid.from_rows("Review", [list(HEADER), ["gone", "x", "1", ""]])
    rows = [["b", "y", 1, ""], ["a", "z", 2, ""]]
    assert keep_row_order(rows, HEADER, ("Source A", "Source B"), previous) == rows
    assert keep_row_order(rows, HEADER, ("Source A", "Source B"), None) == rows


def test_previous_tab_without_key_header_is_ignored():
    previous = Grid.from_rows("Review", [["Something else"], ["b"]])
    rows = [["b", "y", 1, ""], ["a", "z", 2, ""]]
    assert keep_row_order(rows, HEADER, ("Source A", "Source B"), previous) == rows
