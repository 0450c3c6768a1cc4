"""``python -m kb`` is the ``newskb`` command."""

from kb.cli import cli

cli(prog_name="newskb")
