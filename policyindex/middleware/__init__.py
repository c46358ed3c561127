"""Cross-cutting defences applied to every request, each in its own small module."""
