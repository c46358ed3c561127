"""``{% load links %}{{ answer.link|safe_link }}``: a user's link, clickable only if http(s)."""

from django import template

from kernel.links import link_or_text

register = template.Library()


@register.filter
def safe_link(value):
    return link_or_text(value)
