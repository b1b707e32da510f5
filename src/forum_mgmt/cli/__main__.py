"""`python -m forum_mgmt.cli`, as the tests and benchmarks run the command."""

import sys

from forum_mgmt.cli import main

sys.exit(main())
