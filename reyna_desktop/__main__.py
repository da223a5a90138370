"""`python -m reyna_desktop`: start the desktop app (the CLI is `reyna`)."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from reyna_desktop.gui.app import run
    except ImportError as exc:  # the window's issue may not have landed in this build
        print(f"reyna-desktop: the desktop window is not available ({exc}); use the `reyna` CLI", file=sys.stderr)
        return 1
    return run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
