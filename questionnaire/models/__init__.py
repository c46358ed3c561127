from .geography import Country, Region
from .history import AnswerChange
from .instrument import (
    Domain,
    Item,
    QuestionnaireVersion,
    ResponseOption,
    ResponseSet,
    VersionInUseError,
)
from .rounds import Round
from .submissions import Answer, Submission, SubmissionEvent

__all__ = [
    "Answer",
    "AnswerChange",
    "Country",
    "Domain",
    "Item",
    "QuestionnaireVersion",
    "Region",
    "ResponseOption",
    "ResponseSet",
    "Round",
    "Submission",
    "SubmissionEvent",
    "VersionInUseError",
]
