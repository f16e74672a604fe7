"""`python -m segment_freshsales.cli`: the same as the `segment-freshsales` command."""

import sys

from segment_freshsales.cli import main

sys.exit(main())
