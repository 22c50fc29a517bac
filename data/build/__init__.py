"""`python -m data.build` entry point; the code lives in data/pipeline/build.py."""
