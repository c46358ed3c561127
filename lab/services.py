"""The one state change of the lab: writing a new variant (variants are never edited)."""

from django.db import transaction
from django.utils.translation import gettext as _

from policyindex.access import can_use_lab
from scoring import engine

from .models import Variant
from .rules import RulesError, rules_problems


class VariantRefused(ValueError):
    """The variant was not written; ``messages`` say why, in the user's language."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


@transaction.atomic
def create_variant(*, by, name: str, reason: str, rules: dict) -> Variant:
    """Writes a variant of the official methodology, named and explained, for ``by`` (an analyst
    or administrator). Refuses (VariantRefused) invalid rules, a blank name or reason."""
    problems = []
    if not can_use_lab(by):
        problems.append(_("Only analysts and administrators create variants."))
    name, reason = (name or "").strip(), (reason or "").strip()
    if not name:
        problems.append(_("Give the variant a name."))
    if not reason:
        problems.append(_("Say why you are trying this variant."))
    problems += rules_problems(rules)
    if problems:
        raise VariantRefused(problems)
    return Variant.objects.create(
        name=name[:200],
        reason=reason,
        based_on=engine.METHODOLOGY_VERSION,
        rules=rules,
        created_by=by,
    )


__all__ = ["RulesError", "VariantRefused", "create_variant"]
