"""Claims of docs/glossary/training.md, checked on what the build computed.

The page's examples run once, on seed 0; where a result depends on the seed (the ReLU
signal through 20 layers, the two class-weighting fits), the margins below were taken from
seeds 0-4. Claims the non-computational entries make about Keras (fine-tuning) are checked
here directly, on tiny models.
"""

from __future__ import annotations

import ast
import inspect
import math
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.special import softmax
from scipy.stats import entropy
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.preprocessing import StandardScaler

pytestmark = pytest.mark.build
PAGE = "glossary/training.md"
SESSION = "glossary-training"


def test_an_epoch_takes_ceil_n_over_b_steps(page):
    assert len(page["features"]) == 150
    assert len(page["history"].history["loss"]) == 3
    assert int(page["model"].optimizer.iterations) == 3 * math.ceil(150 / 32) == 15
    assert 150 - 32 * (150 // 32) == 22  # the last, smaller batch of each epoch
    # Independent count: a tf.data pipeline cut into batches of 32.
    dataset = tf.data.Dataset.from_tensor_slices(page["features"]).batch(32)
    assert int(dataset.cardinality()) == 5
    assert [len(batch) for batch in dataset][-1] == 22


def test_fit_batches_32_shuffles_and_steps_per_epoch_defines_an_epoch():
    assert inspect.signature(keras.Model.fit).parameters["shuffle"].default is True
    x = np.zeros((150, 2), dtype="float32")
    y = np.zeros((150, 1), dtype="float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)  # no batch_size: batches of 32
    assert int(model.optimizer.iterations) == math.ceil(150 / 32)
    endless = tf.data.Dataset.from_tensor_slices((x, y)).batch(10).repeat()
    model.fit(endless, epochs=2, steps_per_epoch=3, shuffle=False, verbose=0)
    assert int(model.optimizer.iterations) == math.ceil(150 / 32) + 2 * 3


def test_the_batch_gradient_is_the_mean_of_per_example_gradients(page):
    assert keras.losses.SparseCategoricalCrossentropy().reduction == "sum_over_batch_size"
    assert len(page["per_example"]) == 16
    assert page["gradient_gap"] < 1e-5  # seen: 1.2e-7 (float32 rounding)
    assert float(np.max(np.abs(page["batch_gradient"]))) > 0.1  # a gradient worth comparing
    # Independent reference: softmax regression's closed-form gradient,
    # dL/dW = X^T (p - onehot(y)) / B, with the model's own weights.
    kernel, bias = (np.asarray(w, dtype="float64") for w in page["model"].get_weights())
    x, y = page["batch_x"].astype("float64"), page["batch_y"]
    probabilities = softmax(x @ kernel + bias, axis=1)
    expected = x.T @ (probabilities - np.eye(3)[y]) / len(y)
    np.testing.assert_allclose(np.asarray(page["batch_gradient"]), expected, atol=1e-5)


def test_keras_dense_and_conv_start_with_glorot_uniform_and_zero_biases(page):
    dense = page["dense"]
    assert type(dense.kernel_initializer) is keras.initializers.GlorotUniform
    assert type(dense.bias_initializer) is keras.initializers.Zeros
    convolution = keras.layers.Conv2D(4, 3)
    assert type(convolution.kernel_initializer) is keras.initializers.GlorotUniform
    assert type(convolution.bias_initializer) is keras.initializers.Zeros
    kernel = np.asarray(dense.kernel)
    assert kernel.shape == (256, 128)
    limit = math.sqrt(6 / (256 + 128))
    assert limit**2 / 3 == pytest.approx(2 / (256 + 128))  # the uniform's variance
    assert float(np.abs(kernel).max()) <= limit
    assert float(kernel.var()) == pytest.approx(2 / (256 + 128), rel=0.05)


def test_identical_initial_weights_stay_identical():
    # The page: units that start with the same weights get the same gradient.
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="tanh", kernel_initializer="ones"),
            keras.layers.Dense(1, kernel_initializer="ones"),
        ]
    )
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = np.random.default_rng(1).normal(size=(8, 1)).astype("float32")
    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(y, model(x))
    hidden_kernel_gradient = np.asarray(tape.gradient(loss, model.trainable_variables)[0])
    assert np.abs(hidden_kernel_gradient).max() > 0
    same_for_every_unit = np.repeat(hidden_kernel_gradient[:, :1], 4, axis=1)
    np.testing.assert_allclose(hidden_kernel_gradient, same_for_every_unit)


def test_he_normal_has_variance_two_over_fan_in_and_is_truncated(page):
    he_kernel = page["he_kernel"]
    assert float(he_kernel.var()) == pytest.approx(2 / 256, rel=0.05)  # seen: 0.5% off
    # Cut at two standard deviations of the underlying normal, which is widened so
    # that the truncated distribution keeps the variance 2 / fan_in.
    underlying = math.sqrt(2 / 256) / 0.87962566103423978
    assert float(np.abs(he_kernel).max()) <= 2 * underlying + 1e-6
    assert float(np.abs(he_kernel).max()) > 2 * math.sqrt(2 / 256)


def test_relu_layers_halve_the_signal_with_glorot_and_keep_it_with_he(page):
    factor = page["depth_factor"]
    assert list(factor) == ["GlorotUniform", "HeNormal"]
    # Theory: n_in Var(W) / 2 per layer, 1/2 for Glorot on square layers, 1 for He.
    assert 0.44 <= factor["GlorotUniform"] <= 0.56  # seen 0.473-0.501, seeds 0-4
    assert 0.92 <= factor["HeNormal"] <= 1.08  # seen 0.963-1.031


def test_normalization_is_fitted_on_the_training_split_only(page):
    cancer = load_breast_cancer()
    assert cancer.data.shape[1] == 30
    train_cells, test_cells = page["train_cells"], page["test_cells"]
    assert train_cells.shape == (427, 30) and test_cells.shape == (142, 30)  # 3/4 to train
    scaled_train, scaled_test = page["scaled_train"], page["scaled_test"]
    assert np.abs(scaled_train.mean(axis=0)).max() < 1e-3
    np.testing.assert_allclose(scaled_train.std(axis=0), 1.0, atol=1e-3)
    # The held-out split is not exactly standardized: no statistics leaked from it.
    held_out_std = scaled_test.std(axis=0)
    assert np.abs(scaled_test.mean(axis=0)).max() > 0.05  # seen: 0.275
    assert np.abs(held_out_std - 1).max() > 0.05  # seen: 0.561 to 1.160
    np.testing.assert_allclose(np.ravel(page["normalizer"].mean), train_cells.mean(axis=0))
    # Independent reference: scikit-learn's scaler fitted on the same training split.
    reference = StandardScaler().fit(train_cells).transform(test_cells)
    np.testing.assert_allclose(scaled_test, reference, atol=1e-4)


def test_augmentation_layers_pass_images_through_at_inference():
    images = np.random.default_rng(0).uniform(size=(16, 8, 8, 3)).astype("float32")
    for layer in [keras.layers.RandomFlip(seed=0), keras.layers.RandomRotation(0.3, seed=0)]:
        np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
        assert not np.allclose(np.asarray(layer(images, training=True)), images)


def test_always_predicting_the_majority_scores_high_accuracy_and_no_recall(page):
    train_y, test_y = page["train_y"], page["test_y"]
    assert train_y.shape == (1348,) and set(np.unique(train_y)) == {0.0, 1.0}
    assert 0.08 <= float(train_y.mean()) <= 0.12  # "one image in ten"
    never = page["never_eight"]
    assert not never.any()
    accuracy = float(np.mean(never == test_y))
    assert accuracy == pytest.approx(1 - float(test_y.mean()))
    assert accuracy > 0.85  # seen: 0.884
    assert recall_score(test_y, never) == 0.0


def test_balanced_class_weights_follow_n_over_k_n_c(page):
    train_y, weights = page["train_y"], page["weights"]
    counts = np.array([np.sum(train_y == 0), np.sum(train_y == 1)])
    np.testing.assert_allclose(weights, len(train_y) / (2 * counts))
    np.testing.assert_allclose(weights * counts, len(train_y) / 2)  # equal totals
    assert weights[1] > 4 * weights[0]  # the rare eights weigh much more


def test_class_weighting_trades_precision_for_recall(page):
    scores = page["scores"]  # name -> [recall, precision, accuracy] on held-out digits
    assert list(scores) == ["unweighted", "balanced"]
    unweighted, balanced = scores["unweighted"], scores["balanced"]
    assert balanced[0] >= 0.8  # seen 0.843-1.000 over seeds 0-4
    assert balanced[0] - unweighted[0] >= 0.15  # seen at least 0.225
    assert unweighted[1] - balanced[1] >= 0.15  # seen at least 0.32
    # Independent reference: scikit-learn's logistic regression, fitted to convergence,
    # moves the same way when given the same balanced weights.
    x, y = page["train_x"], page["train_y"]
    test_x, test_y = page["test_x"], page["test_y"]
    reference = {
        name: LogisticRegression(class_weight=weight, max_iter=5000).fit(x, y).predict(test_x)
        for name, weight in [("unweighted", None), ("balanced", "balanced")]
    }
    assert recall_score(test_y, reference["balanced"]) > recall_score(
        test_y, reference["unweighted"]
    )
    assert precision_score(test_y, reference["balanced"]) < precision_score(
        test_y, reference["unweighted"]
    )


def test_a_change_of_trainable_takes_effect_when_the_model_is_compiled_again():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(8, name="base")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x[:, :1]
    model.fit(x, y, epochs=1, verbose=0)
    base = model.get_layer("base")
    base.trainable = False
    assert base.kernel in model.non_trainable_weights
    before = np.asarray(base.kernel).copy()
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.allclose(before, np.asarray(base.kernel))  # still trained: not recompiled
    model.compile(optimizer="sgd", loss="mse")
    before = np.asarray(base.kernel).copy()
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(before, np.asarray(base.kernel))


def test_a_frozen_batch_normalization_layer_runs_in_inference_mode():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 4)).astype("float32")
    frozen = keras.layers.BatchNormalization()
    frozen.build(x.shape)
    frozen.trainable = False
    output = np.asarray(frozen(x, training=True))
    # Stored statistics (mean 0, variance 1) are used and left unchanged.
    np.testing.assert_allclose(output, x / np.sqrt(1 + frozen.epsilon), rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(frozen.moving_mean), 0.0)
    trained = keras.layers.BatchNormalization()
    assert np.abs(np.asarray(trained(x, training=True)).mean(axis=0)).max() < 1e-4


def test_distillation_loss_matches_keras_and_scipy(page):
    temperature = page["temperature"]
    assert temperature == 4.0
    teacher_soft, student_soft = page["teacher_soft"], page["student_soft"]
    np.testing.assert_allclose(
        teacher_soft, softmax(page["teacher_logits"] / temperature, axis=1), rtol=1e-5
    )
    np.testing.assert_allclose(teacher_soft.sum(axis=1), 1.0, rtol=1e-6)
    reference = np.mean(entropy(teacher_soft.T, student_soft.T))  # KL(teacher || student)
    assert page["kl_by_hand"] == pytest.approx(reference, rel=1e-4)
    assert page["kl_keras"] == pytest.approx(reference, rel=1e-4)


def test_a_temperature_softens_the_teacher(page):
    logits = page["teacher_logits"]
    sharp, soft = softmax(logits, axis=1), softmax(logits / page["temperature"], axis=1)
    assert sharp[0, 0] > 0.9  # nearly one-hot at T = 1
    assert soft[0, 0] < 0.7 and soft[0, 1] > 2 * soft[0, 2]  # the ranking shows at T = 4


def test_the_soft_term_gradient_shrinks_as_one_over_t_squared():
    teacher = tf.constant([[5.0, 2.0, -1.0]])
    student = tf.constant([[3.0, 2.5, 0.0]])

    def gradient_norm(temperature: float) -> float:
        with tf.GradientTape() as tape:
            tape.watch(student)
            soft_teacher = tf.nn.softmax(teacher / temperature)
            loss = keras.losses.KLDivergence()(soft_teacher, tf.nn.softmax(student / temperature))
        return float(tf.norm(tape.gradient(loss, student)))

    assert gradient_norm(8.0) / gradient_norm(16.0) == pytest.approx(4.0, rel=0.1)


def test_keras_3_runs_on_jax_tensorflow_and_torch_not_cntk_or_theano(page):
    assert keras.__version__.split(".")[0] == "3"
    assert keras.config.backend() == "tensorflow"
    assert tf.keras.layers.Dense is keras.layers.Dense  # tf.keras is Keras 3
    assert page["backends"] == ["jax", "numpy", "openvino", "tensorflow", "torch"]
    folder = pathlib.Path(keras.__file__).parent / "src" / "backend"
    assert page["backend_folder"] == folder
    packages = {path.name.lower() for path in folder.iterdir() if path.is_dir()}
    assert not {name for name in packages if "cntk" in name or "theano" in name}


@pytest.mark.parametrize("backend", ["numpy", "openvino"])
def test_the_numpy_and_openvino_backends_cannot_train(backend):
    source = pathlib.Path(keras.__file__).parent / "src" / "backend" / backend / "trainer.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    fits = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "fit"
    ]
    assert len(fits) == 1
    raised = [
        node.exc.func.id
        for node in ast.walk(fits[0])
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
    ]
    assert raised == ["NotImplementedError"]


def test_balanced_weights_overstate_the_probability_of_the_rare_class(page):
    # The page: weighted predictions are no longer calibrated to the class frequencies.
    balanced = page["classifier"]  # the loop's last model, trained with the weights
    mean_probability = float(np.mean(np.asarray(balanced(page["test_x"]))))
    share_of_eights = float(np.mean(page["test_y"]))
    assert mean_probability > 1.5 * share_of_eights  # seen: 1.8-2.5 times, seeds 0-4


def _fine_tuned_normalization(training: bool | None, frozen: bool):
    """Train a model whose batch normalization layer is called with `training`."""
    keras.utils.set_random_seed(0)
    normalization = keras.layers.BatchNormalization()
    normalization.trainable = not frozen
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(normalization(inputs, training=training))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 4)).astype("float32")
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    return normalization


def test_frozen_batch_normalization_keeps_its_statistics_during_fine_tuning():
    frozen = _fine_tuned_normalization(training=None, frozen=True)
    np.testing.assert_array_equal(np.asarray(frozen.moving_mean), 0.0)
    np.testing.assert_array_equal(np.asarray(frozen.moving_variance), 1.0)


def test_training_false_at_build_time_is_overridden_by_fit():
    # Keras 3: fit's training=True replaces the training=False the graph was built with.
    unfrozen = _fine_tuned_normalization(training=False, frozen=False)
    assert np.abs(np.asarray(unfrozen.moving_mean)).min() > 0.05  # seen: 0.10-0.13
