"""The small runnable package behind the Deep Learning Guide's examples.

Every example on the site imports its data generators, models, diagnostics and plots
from here, and seeds itself with `dlguide.set_seed`. Importing `dlguide` is cheap: the
submodules that need TensorFlow and Keras import them, this package does not.
"""

from dlguide.seeding import set_seed

__all__ = ["__version__", "set_seed"]

__version__ = "0.1.0"
