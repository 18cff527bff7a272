"""The tests are a package, so `pytest` and `python -m pytest` both import tests.helpers."""
