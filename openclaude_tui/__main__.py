"""``python -m openclaude_tui`` runs the ``openclaude`` command."""

import sys

from openclaude_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
