"""Why a review action was refused: the message is shown to the user as it is."""


class ActionRefused(Exception):
    """The action is not allowed now (by the transition table, the user's role or a rule); nothing
    was changed. ``str(error)`` is a sentence in the user's language."""
