"""Allow ``python -m talkdown`` where the console script is not on PATH."""

from talkdown.cli.main import run

run()
