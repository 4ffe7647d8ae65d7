"""Command line behind the nox sessions: python -m cvkatas <command> [args]."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
