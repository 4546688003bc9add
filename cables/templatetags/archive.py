"""Template filters of the archive's pages: {% load archive %}."""

from django import template

register = template.Library()


@register.filter
def quoted(text):
    """A search as a heading names it: “in quotes”, unless it holds quotes of its own
    ("prime minister" stays as typed, not “"prime minister"”). Escaped as usual."""
    text = str(text)
    return text if '"' in text else f"“{text}”"
