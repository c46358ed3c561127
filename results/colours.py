"""The colours of the four categories, the same on the web pages (results/static/results/results.css
writes them too), in the charts and map, and in the Excel reports. ColorBrewer RdBu, safe for the
colour-blind; the text colour on each keeps WCAG AA contrast."""

CATEGORY_COLOURS = {
    1: "#b2182b",  # requires further progress
    2: "#f4a582",  # partially meets
    3: "#92c5de",  # meets
    4: "#2166ac",  # fully meets
}
CATEGORY_TEXT_COLOURS = {1: "#ffffff", 2: "#212529", 3: "#212529", 4: "#ffffff"}
