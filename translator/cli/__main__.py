"""`python -m translator.cli`: the same as the `segment-freshsales` command."""

import sys

from translator.cli import main

sys.exit(main())
