"""`make bench` measures of the public (filled in by the work on it)."""

MEASURES = []
