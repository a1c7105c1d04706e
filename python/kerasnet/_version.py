"""The package version, in a module of its own so that any module can read it without importing
the package facade (kerasnet/__init__.py) from below. pyproject.toml names the same version."""

__version__ = "0.1.0"
