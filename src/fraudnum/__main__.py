"""``python -m fraudnum`` runs the command line."""

import sys

from fraudnum.cli import main

sys.exit(main())
