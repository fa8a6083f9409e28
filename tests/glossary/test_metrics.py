"""Claims of docs/glossary/metrics.md, checked on what the build computed.

The page scores one logistic regression on held-out breast tumours (malignant = 1). Nothing
on it is random: the split has a fixed seed and the fit is deterministic, so the counts are
exact, and the metrics are checked against formulas and libraries the page does not use.
"""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import (
    average_precision_score,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

pytestmark = pytest.mark.build
PAGE = "glossary/metrics.md"
SESSION = "glossary-metrics"


def _counts(labels, predicted):
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    return {
        "tp": int(np.sum((labels == 1) & (predicted == 1))),
        "fp": int(np.sum((labels == 0) & (predicted == 1))),
        "fn": int(np.sum((labels == 1) & (predicted == 0))),
        "tn": int(np.sum((labels == 0) & (predicted == 0))),
    }


def test_the_model_is_scored_on_a_quarter_of_the_569_tumours(page):
    cancer = load_breast_cancer()
    assert len(cancer.target) == 569
    assert len(page["test_y"]) == round(569 * 0.25) == 142
    assert len(page["train_y"]) + len(page["test_y"]) == 569
    # Malignant is target 0 in scikit-learn's data; the page makes it the positive class.
    assert int(page["labels"].sum()) == int(np.sum(cancer.target == 0)) == 212
    assert page["features"].shape == (569, 2)
    assert list(cancer.feature_names[:2]) == ["mean radius", "mean texture"]


def test_the_confusion_matrix_counts_by_hand_and_by_keras(page):
    counts = _counts(page["test_y"], page["predicted"])
    assert page["matrix"].tolist() == [
        [counts["tn"], counts["fp"]],
        [counts["fn"], counts["tp"]],
    ]
    assert page["matrix"].tolist() == [[89, 3], [7, 43]]  # deterministic split and fit
    keras_counts = [int(cell.result()) for cell in page["cells"]]
    assert keras_counts == [counts["tn"], counts["fp"], counts["fn"], counts["tp"]]
    # The page's model errs both ways, so the two kinds of mistake are both on show.
    assert counts["fp"] > 0 and counts["fn"] > 0


def test_keras_thresholds_default_to_one_half_and_are_strict(page):
    for metric in (keras.metrics.Precision, keras.metrics.Recall, keras.metrics.TruePositives):
        assert list(np.ravel(metric().thresholds)) == [0.5]
    assert inspect.signature(keras.metrics.BinaryAccuracy).parameters["threshold"].default == 0.5
    # "positive above the threshold": a score of exactly 0.5 counts as negative in Keras.
    metric = keras.metrics.TruePositives()
    metric.update_state([1.0, 1.0], [0.5, 0.51])
    assert int(metric.result()) == 1
    assert not np.any(page["scores"] == 0.5)  # so no score sits on the edge


def test_accuracy_agrees_with_keras_and_the_formula(page):
    counts = _counts(page["test_y"], page["predicted"])
    expected = (counts["tp"] + counts["tn"]) / 142
    assert page["accuracy"] == pytest.approx(expected)
    assert float(page["keras_accuracy"].result()) == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(132 / 142)


def test_always_negative_is_99_percent_accurate_and_finds_nothing(page):
    rare, always_negative = page["rare"], page["always_negative"]
    assert rare.sum() == 10 and len(rare) == 1000
    assert np.mean(rare == always_negative) == pytest.approx(0.99)
    assert _counts(rare, always_negative)["tp"] == 0


def test_precision_recall_and_tpr_agree_on_the_page_s_matrix(page):
    # The question: precision, recall and TPR on a given confusion matrix.
    (tn, fp), (fn, tp) = page["matrix"]
    assert page["precision"] == pytest.approx(43 / 46)
    assert page["recall"] == pytest.approx(43 / 50)
    assert float(page["keras_precision"].result()) == pytest.approx(tp / (tp + fp), abs=1e-6)
    assert float(page["keras_recall"].result()) == pytest.approx(tp / (tp + fn), abs=1e-6)
    precision, recall, f1, _ = precision_recall_fscore_support(
        page["test_y"], page["predicted"], average="binary"
    )
    assert (precision, recall) == pytest.approx((page["precision"], page["recall"]))
    # TPR is the recall: the ROC curve, with every threshold kept, passes through the point
    # of the 0.5 threshold, (FP / (FP + TN), TP / (TP + FN)).
    fpr, tpr, cutoffs = roc_curve(page["test_y"], page["scores"], drop_intermediate=False)
    at_half = np.flatnonzero(cutoffs > 0.5)[-1]
    assert tpr[at_half] == pytest.approx(page["recall"])
    assert fpr[at_half] == pytest.approx(fp / (fp + tn))
    # Sensitivity (medicine's name) is the same ratio; specificity is its negative twin.
    assert 1 - fpr[at_half] == pytest.approx(tn / (tn + fp))


def test_lowering_the_threshold_raises_recall_and_lowers_precision(page):
    scores, labels = page["scores"], page["test_y"]
    keras_precision = page["precision_at"].result().numpy()
    keras_recall = page["recall_at"].result().numpy()
    for index, threshold in enumerate(page["thresholds"]):
        counts = _counts(labels, scores > threshold)
        assert keras_precision[index] == pytest.approx(
            counts["tp"] / (counts["tp"] + counts["fp"]), abs=1e-6
        )
        assert keras_recall[index] == pytest.approx(
            counts["tp"] / (counts["tp"] + counts["fn"]), abs=1e-6
        )
    assert page["thresholds"] == [0.3, 0.5, 0.7]
    assert np.all(np.diff(keras_recall) < 0)  # recall falls as the threshold rises
    assert np.all(np.diff(keras_precision) > 0)  # and, here, precision rises
    # "A few more biopsies for fewer missed tumours" at 0.3 than at 0.5.
    low, half = _counts(labels, scores > 0.3), _counts(labels, scores > 0.5)
    assert low["fn"] < half["fn"] and half["fp"] < low["fp"] <= half["fp"] + 15


def test_f1_is_the_harmonic_mean_by_every_route(page):
    precision, recall = page["precision"], page["recall"]
    harmonic = 1 / ((1 / precision + 1 / recall) / 2)
    assert page["f1"] == pytest.approx(harmonic)
    assert page["f1"] == pytest.approx(2 * 43 / (2 * 43 + 3 + 7))
    assert float(page["keras_f1"].result()[0]) == pytest.approx(page["f1"], abs=1e-5)
    # It sits nearer the smaller of the two, below their arithmetic mean.
    assert min(precision, recall) < page["f1"] < (precision + recall) / 2


def test_the_auc_is_the_chance_a_positive_outranks_a_negative(page):
    scores, labels = page["scores"], page["test_y"]
    assert page["pairs"].size == 50 * 92
    assert page["auc"] == pytest.approx(roc_auc_score(labels, scores))
    assert page["by_pairs"] == pytest.approx(page["auc"], abs=1e-12)
    # Independent reference: the trapezoid area under scikit-learn's curve.
    area = np.trapezoid(page["true_positive_rate"], page["false_positive_rate"])
    assert area == pytest.approx(page["auc"], abs=1e-12)
    # Keras approximates it from 200 thresholds, its default.
    assert keras.metrics.AUC().num_thresholds == 200
    assert float(page["keras_auc"].result()) == pytest.approx(page["auc"], abs=0.005)
    assert 0.9 < page["auc"] < 1.0  # seen: 0.9648
    # The curve runs from (0, 0) to (1, 1), as the page says.
    assert (page["false_positive_rate"][0], page["true_positive_rate"][0]) == (0.0, 0.0)
    assert (page["false_positive_rate"][-1], page["true_positive_rate"][-1]) == (1.0, 1.0)


def test_the_roc_curve_ignores_rebalancing_and_precision_does_not(page):
    scores, labels = page["scores"], page["test_y"]
    negatives = labels == 0
    # Ten times as many negatives, each a copy of a real one.
    heavy_scores = np.concatenate([scores] + [scores[negatives]] * 9)
    heavy_labels = np.concatenate([labels] + [labels[negatives]] * 9)
    assert roc_auc_score(heavy_labels, heavy_scores) == pytest.approx(page["auc"])
    # Every threshold gives the same point: both rates are taken within one true class.
    fpr, tpr, cutoffs = roc_curve(labels, scores, drop_intermediate=False)
    heavy = roc_curve(heavy_labels, heavy_scores, drop_intermediate=False)
    np.testing.assert_array_equal(heavy[2], cutoffs)
    np.testing.assert_allclose(heavy[0], fpr, atol=1e-12)
    np.testing.assert_allclose(heavy[1], tpr, atol=1e-12)
    # The precision-recall view does notice: average precision drops.
    assert average_precision_score(heavy_labels, heavy_scores) < average_precision_score(
        labels, scores
    )
    heavy = _counts(heavy_labels, heavy_scores > 0.5)
    assert heavy["tp"] / (heavy["tp"] + heavy["fp"]) < page["precision"]
