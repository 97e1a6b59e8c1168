"""Fixtures for the project-wide tests: ``closed_port``, ``redis_url`` and ``redis_down``
live in tests/conftest.py (the appointments' cache tests use them too)."""
