"""`python -m dibao.cli` runs the same command line as the `dibao` script."""

import sys

from . import main

sys.exit(main())
