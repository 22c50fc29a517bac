"""Run data/pipeline/export.py as `python -m data.export` (kept for the README and scripts)."""
import sys

from data.pipeline.export import main

sys.exit(main())
