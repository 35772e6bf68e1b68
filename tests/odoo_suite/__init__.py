"""Odoo's own tests with our addons installed (a package, so that its conftest does not
shadow tests/conftest.py)."""
