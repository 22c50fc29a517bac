"""The build pipeline: raw open data -> checked, aggregated, derived -> the processed store (data/processed/).

It sits above geo/ and metrics/ (it aggregates with geo and runs the derived families in metrics); nothing
in the app imports it except the store's self-rebuild in components/store.py.
"""
