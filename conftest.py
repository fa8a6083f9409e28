"""Load the docs pass's pytest support for every test path (docs/, README.md, src/, tests/)."""

pytest_plugins = ["dlguide_docs.pytest_plugin"]
