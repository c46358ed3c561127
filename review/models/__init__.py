from .mail import OutgoingMail, Reminder
from .queries import Query, QueryMessage
from .rounds import DeadlineExtension, PublicationExclusion, RoundEvent

__all__ = [
    "DeadlineExtension",
    "OutgoingMail",
    "PublicationExclusion",
    "Query",
    "QueryMessage",
    "Reminder",
    "RoundEvent",
]
