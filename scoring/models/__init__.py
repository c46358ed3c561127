from .published import PublishedResult, ResultImport
from .records import DomainScore, ScoreRecord

__all__ = ["DomainScore", "PublishedResult", "ResultImport", "ScoreRecord"]
