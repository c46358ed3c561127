"""`make bench` measures of the api (filled in by the work on it)."""

MEASURES = []
