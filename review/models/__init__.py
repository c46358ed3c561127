from .queries import Query, QueryMessage
from .rounds import DeadlineExtension, PublicationExclusion, RoundEvent

__all__ = [
    "DeadlineExtension",
    "PublicationExclusion",
    "Query",
    "QueryMessage",
    "RoundEvent",
]
