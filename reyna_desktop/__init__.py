"""Reyna Desktop: a local-first workspace for writers and musicians."""

__version__ = "0.1.0"
