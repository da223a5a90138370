"""Entry point of the frozen app: the same as `python -m reyna_desktop`."""

import sys

from reyna_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
