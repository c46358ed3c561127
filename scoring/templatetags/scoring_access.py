"""Access rules a scoring template needs, asked of policyindex.access (the one place that decides)."""

from django import template

from policyindex import access

register = template.Library()


@register.filter
def may_import_published_results(user) -> bool:
    return access.can_manage_rounds(user)
