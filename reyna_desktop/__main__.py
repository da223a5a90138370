"""`python -m reyna_desktop`: start the desktop app. `--self-test` checks an install headless.
The command line for scripting is `reyna` (reyna_desktop.cli)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if "--self-test" in argv[1:]:
        from reyna_desktop.selftest import run_self_test

        return run_self_test()
    from reyna_desktop.gui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
