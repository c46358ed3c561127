"""Excel workbooks of results, built by plain functions from plain data (see ``data``)."""

from .country_profile import build_country_profile
from .round_report import build_round_report

__all__ = ["build_country_profile", "build_round_report"]
