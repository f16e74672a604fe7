"""`python -m contracts`: the `freshsales-contracts` command line."""

from contracts.cli import main

raise SystemExit(main())
