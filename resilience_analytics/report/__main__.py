"""``python -m resilience_analytics.report --refresh-notebooks``."""

import sys

from . import main

sys.exit(main())
