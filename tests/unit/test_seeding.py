import random
import subprocess
import sys

import numpy as np
import pytest

from dlguide import set_seed


@pytest.mark.parametrize("bad_seed", [-1, 1.5, True, "3", None])
def test_set_seed_rejects_anything_but_a_non_negative_int(bad_seed):
    with pytest.raises(ValueError, match=r"seed must be a non-negative int"):
        set_seed(bad_seed)


def test_same_seed_repeats_python_numpy_and_keras_draws():
    import keras

    def draws():
        set_seed(123)
        return (
            random.random(),
            np.random.rand(3).tolist(),
            keras.random.normal((3,)).numpy().tolist(),
        )

    assert draws() == draws()


def test_different_seeds_give_different_draws():
    set_seed(1)
    first = np.random.rand(3)
    set_seed(2)
    assert not np.array_equal(first, np.random.rand(3))


def test_importing_the_package_does_not_import_tensorflow():
    # A fresh interpreter: this test process has long since imported TensorFlow.
    code = (
        "import sys, dlguide\nassert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
