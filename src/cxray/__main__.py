"""``python -m cxray``: the command line, as the ``cxray`` command runs it."""

from cxray.cli import run

run()
