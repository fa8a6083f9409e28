"""The Deep Learning Guide's docs pipeline: executed examples, vendored assets, tooltips.

This package is build tooling, not teaching material: it is the MkDocs plugin
`dlguide-exec` and the pytest support that checks what the build executed.
"""
