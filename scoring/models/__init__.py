from .methodology import MethodologyVersion
from .published import PublishedResult, ResultImport
from .records import DomainScore, ScoreRecord
from .releases import Release, ReleaseResult

__all__ = [
    "DomainScore",
    "MethodologyVersion",
    "PublishedResult",
    "Release",
    "ReleaseResult",
    "ResultImport",
    "ScoreRecord",
]
