"""What every app imports: append-only records, translated columns, read-only admin, benchmarks.

This package imports no app of the project (only Django and the standard library), so any app may
import it without creating a cycle.
"""
