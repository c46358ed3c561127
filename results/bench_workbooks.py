"""`make bench` measures of the workbooks (filled in by the work on it)."""

MEASURES = []
