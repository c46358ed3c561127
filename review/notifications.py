"""E-mails about review actions, written in each recipient's language and sent after commit.

Each function is called by a service inside its transaction; it records the mails to send and
sends them only once the transaction commits, so a failing mail server never breaks an action.
"""


def submission_submitted(*, submission, version, by) -> None:
    """Tells the analysts with the country in scope that a version waits for review."""


def submission_returned(*, submission, reason: str, by) -> None:
    """Tells the country's focal points why their answers came back, with the open queries."""


def submission_validated(*, submission, version, record, by) -> None:
    """Tells the country's focal points that their answers were validated, with the score."""


def submission_reopened(*, submission, reason: str, by) -> None:
    """Tells the country's focal points and analysts that a validated submission was reopened."""


def query_raised(*, query, message, by) -> None:
    """Tells the country's focal points that an analyst asks something."""


def query_replied(*, query, message, by) -> None:
    """Tells the analysts in scope (the one who raised it first) that the country answered."""


def round_published(*, round, release, by) -> None:
    """Tells everyone concerned (the round's focal points and the analysts) that results are out."""
