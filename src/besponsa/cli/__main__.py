import sys

from besponsa.cli import main

sys.exit(main())
