"""``python -m chaingraph.cli``."""

import sys

from . import main

sys.exit(main())
