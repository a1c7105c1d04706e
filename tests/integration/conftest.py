"""Integration tests: the `slow` marker (deselect with -m "not slow")."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: trains a convnet for seconds (deselect with -m 'not slow')")
