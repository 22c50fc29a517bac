"""`python -m data.export` entry point; the code lives in data/pipeline/export.py."""
