"""``python -m specimg.cli``: the ``specimg`` command."""

import sys

from . import main

sys.exit(main())
