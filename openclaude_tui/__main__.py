"""``python -m openclaude_tui`` runs the ``openclaude`` command; so does the console script."""

import sys


def main() -> int:
    """Hide an ``--api-key`` value from the process title first, then run the command."""
    from openclaude_tui.process_title import hide_secret_arguments

    hide_secret_arguments(sys.argv[1:])
    from openclaude_tui.cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
