# --8<-- [start:neighbourhood]
import numpy as np

import dlguide
from dlguide.models import som

dlguide.set_seed(0)

# A 5x5 map of one-number prototypes: all 0 but the centre's 0.5, so the
# centre unit (index 12) is the best match for the sample 1.0.
tiny = som.SelfOrganizingMap(5, 5, np.zeros((1, 1), dtype=np.float32))
tiny.prototypes[12] = 0.5
before = tiny.prototypes.copy()  # (25, 1)
tiny.update([[1.0]], learning_rates=[0.5], radii=[1.0])
# How far each prototype moved, as a share of its way to the sample.
moved = ((tiny.prototypes - before) / (1.0 - before)).reshape(5, 5)
print(np.array2string(moved, precision=3, floatmode="fixed"))
# --8<-- [end:neighbourhood]
