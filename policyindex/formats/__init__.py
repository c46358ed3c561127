"""One way of writing dates per language across the whole site (settings.FORMAT_MODULE_PATH).

Templates name a format (``DATE_FORMAT``, ``DATETIME_FORMAT``...) and never spell one out, so every
page writes a date the same way. Django's own locale formats fill in whatever is not set here
(input formats, separators). The SHORT_ formats equal the long ones on purpose: one format per
language, whichever name a template or the admin uses.
"""
