"""`python -m reyna_desktop.cli`: the same as the `reyna` command."""

import sys

from reyna_desktop.cli import main

sys.exit(main())
