from .published import PublishedResult, ResultImport
from .records import DomainScore, ScoreRecord
from .releases import Release, ReleaseResult

__all__ = [
    "DomainScore",
    "PublishedResult",
    "Release",
    "ReleaseResult",
    "ResultImport",
    "ScoreRecord",
]
