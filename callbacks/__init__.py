"""Thin glue from page inputs to ``dashboard`` and back, registered explicitly by the factory."""

from callbacks.shell import register as register_shell

__all__ = ["register_shell"]
