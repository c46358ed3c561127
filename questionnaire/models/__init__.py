from .evidence import EvidenceFile, EvidenceFileRemoval
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
from .versions import SubmissionVersion, content_fingerprint

__all__ = [
    "Answer",
    "AnswerChange",
    "Domain",
    "EvidenceFile",
    "EvidenceFileRemoval",
    "Item",
    "QuestionnaireVersion",
    "ResponseOption",
    "ResponseSet",
    "Round",
    "Submission",
    "SubmissionEvent",
    "SubmissionVersion",
    "content_fingerprint",
    "VersionInUseError",
]
