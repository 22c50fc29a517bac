"""Run data/pipeline/build.py as `python -m data.build` (kept for the README and scripts)."""
import sys

from data.pipeline.build import main

sys.exit(main())
