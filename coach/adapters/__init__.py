"""Adapters at the edges: each behind a small protocol, each importing its library lazily."""
