"""Model builders used by the examples, one architecture per module."""

from dlguide.models.mlp import ACTIVATIONS, build_mlp

__all__ = ["ACTIVATIONS", "build_mlp"]
