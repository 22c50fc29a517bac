"""Serving Best City Atlas: HTTP hardening and health for server.py, and N replicas behind HAProxy."""
