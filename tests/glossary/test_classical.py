"""Claims of docs/glossary/classical.md, checked on what the build computed.

Every example on the page is deterministic (fixed data, seeded generators, deterministic
solvers), so the tests assert exact structure and check each fit against an independent
reference: a general-purpose constrained optimizer for the SVM, optimality conditions for
the penalized regressions and the factorisation, and a different solver for sparse coding.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.svm import SVC

pytestmark = pytest.mark.build
PAGE = "glossary/classical.md"
SESSION = "glossary-classical"


def _hard_margin_by_slsqp(points, classes):
    """The hard-margin SVM as a plain quadratic program: min |w|^2 / 2, y (w.x + b) >= 1."""
    constraints = [
        {"type": "ineq", "fun": lambda v, x=x, y=y: y * (x @ v[:2] + v[2]) - 1.0}
        for x, y in zip(points, classes, strict=True)
    ]
    result = minimize(
        lambda v: 0.5 * v[:2] @ v[:2],
        x0=np.array([1.0, 1.0, -5.0]),
        constraints=constraints,
        method="SLSQP",
        options={"ftol": 1e-12},
    )
    assert result.success
    return result.x[:2], result.x[2]


def test_the_hard_margin_svm_is_the_widest_separating_line(page):
    points, classes = page["points"], page["classes"]
    assert points.shape == (8, 2) and sorted(classes.tolist()) == [-1] * 4 + [1] * 4
    w, b = _hard_margin_by_slsqp(points, classes)
    np.testing.assert_allclose(page["w"], w, atol=1e-4)
    assert page["b"] == pytest.approx(b, abs=1e-4)
    assert 2 / np.linalg.norm(page["w"]) == pytest.approx(2 / np.linalg.norm(w), rel=1e-5)
    assert page["svm"].support_vectors_.tolist() == [[1.5, 2.5], [3.0, 3.0]]


def test_only_the_support_vectors_fix_the_boundary(page):
    points, classes, svm = page["points"], page["classes"], page["svm"]
    for index in sorted(set(range(8)) - set(svm.support_)):
        keep = np.arange(8) != index
        refit = SVC(kernel="linear", C=1e6).fit(points[keep], classes[keep])
        np.testing.assert_allclose(refit.coef_[0], page["w"], atol=1e-6)
        assert refit.intercept_[0] == pytest.approx(page["b"], abs=1e-6)
    # Deleting a support vector does move it.
    keep = np.arange(8) != svm.support_[0]
    moved = SVC(kernel="linear", C=1e6).fit(points[keep], classes[keep])
    assert np.abs(moved.coef_[0] - page["w"]).max() > 0.1


def test_a_smaller_c_buys_a_wider_margin_with_hinge_losses(page):
    points, classes = page["points"], page["classes"]
    hard, soft = page["svm"], page["soft"]
    hard_hinge = np.maximum(0.0, 1.0 - classes * hard.decision_function(points))
    soft_hinge = np.maximum(0.0, 1.0 - classes * soft.decision_function(points))
    assert hard_hinge.max() < 1e-3  # a hard margin: no point inside it
    assert soft_hinge.max() > 0.1 and np.sum(soft_hinge > 0.01) >= 2
    assert np.linalg.norm(soft.coef_[0]) < np.linalg.norm(hard.coef_[0])  # wider margin
    assert len(soft.support_) > len(hard.support_)

    # The soft machine minimizes |w|^2 / 2 + C * sum(hinge): nudging it only costs more.
    def objective(w, b):
        hinge = np.maximum(0.0, 1.0 - classes * (points @ w + b))
        return 0.5 * w @ w + 0.1 * hinge.sum()

    best = objective(soft.coef_[0], soft.intercept_[0])
    rng = np.random.default_rng(0)
    for _ in range(200):
        step = rng.normal(scale=0.05, size=3)
        assert objective(soft.coef_[0] + step[:2], soft.intercept_[0] + step[2]) >= best - 1e-6
    # Keras's hinge is the mean of the same per-point losses (the page's last model).
    assert page["hinge"].mean() == pytest.approx(soft_hinge.mean(), abs=1e-9)


def test_the_kernel_machine_is_a_sum_of_kernel_values(page):
    rings, ring_classes = page["rings"], page["ring_classes"]
    assert rings.shape == (200, 2)
    assert page["linear"].score(rings, ring_classes) <= 0.7  # seen: 0.61
    assert page["rbf"].score(rings, ring_classes) >= 0.97  # seen: 1.00
    assert np.abs(page["by_kernel"] - page["rbf"].decision_function(rings)).max() < 1e-9
    # Only the support vectors enter the sum.
    assert len(page["rbf"].support_) < 100


def test_the_svm_margin_is_one_over_the_weight_norm_and_beats_logistic(page):
    svm_distances, logistic_distances = page["svm_distances"], page["logistic_distances"]
    margin = 1 / np.linalg.norm(page["w"])
    assert svm_distances.min() == pytest.approx(margin, rel=1e-6)
    support = page["svm"].support_
    np.testing.assert_allclose(svm_distances[support], margin, rtol=1e-5)
    assert np.all(svm_distances > 0) and np.all(logistic_distances > 0)
    assert logistic_distances.min() < svm_distances.min() - 0.01  # seen: 0.733 < 0.791
    # Independent reference: no separating line has a wider margin than the QP's.
    w, _ = _hard_margin_by_slsqp(page["points"], page["classes"])
    assert logistic_distances.min() < 1 / np.linalg.norm(w)


def test_ridge_matches_its_closed_form_and_zeroes_nothing(page):
    features, target = page["features"], page["target"]
    assert features.shape == (442, 10)
    assert abs(target.mean()) < 1e-9
    norms = []
    for alpha in (1.0, 100.0, 10000.0):
        closed_form = np.linalg.solve(
            features.T @ features + alpha * np.eye(10), features.T @ target
        )
        coefficients = Ridge(alpha=alpha).fit(features, target).coef_
        np.testing.assert_allclose(coefficients, closed_form, atol=1e-8)
        assert np.all(coefficients != 0) and np.abs(coefficients).min() > 1e-3
        norms.append(np.linalg.norm(coefficients))
    assert norms[0] > norms[1] > norms[2]  # shrinks toward zero


def test_elastic_net_zeroes_more_than_ridge_and_fewer_than_lasso(page):
    features, target, strength = page["features"], page["target"], page["strength"]
    n = len(target)
    models = page["models"]
    zeros = {name: int(np.sum(model.coef_ == 0)) for name, model in models.items()}
    assert zeros == {"ridge": 0, "elastic net": 1, "lasso": 5}
    # Ridge with alpha = n * strength is the rho = 0 end of scikit-learn's elastic net:
    # its gradient, -(1/n) X^T (y - Xw) + strength * w, vanishes there.
    w = models["ridge"].coef_
    gradient = -features.T @ (target - features @ w) / n + strength * w
    assert np.abs(gradient).max() < 1e-8
    # Independent check of both L1 fits: the optimality (KKT) conditions.
    for name, rho in (("elastic net", 0.5), ("lasso", 1.0)):
        w = models[name].coef_
        correlation = features.T @ (target - features @ w) / n - strength * (1 - rho) * w
        limit = strength * rho
        active = w != 0
        np.testing.assert_allclose(correlation[active], limit * np.sign(w[active]), atol=1e-2)
        assert np.all(np.abs(correlation[~active]) <= limit + 1e-2)


def test_the_lasso_picks_one_twin_and_elastic_net_shares(page):
    twins, target = page["twins"], page["target"]
    assert np.array_equal(twins[:, 0], twins[:, 1])
    lasso = Lasso(alpha=1.0).fit(twins, target).coef_
    net = ElasticNet(alpha=1.0, l1_ratio=0.5).fit(twins, target).coef_
    assert sorted(np.abs(lasso))[0] < 1e-8 and sorted(np.abs(lasso))[1] > 40
    assert net[0] == pytest.approx(net[1], rel=1e-3) and net[0] > 10


def test_the_factorisation_predicts_each_missing_rating_from_its_group(page):
    ratings, known, predicted = page["ratings"], page["known"], page["predicted"]
    assert ratings.shape == (5, 4) and int(known.sum()) == 16
    assert np.nanmin(ratings) >= 1 and np.nanmax(ratings) <= 5
    missing = {(int(u), int(f)): predicted[u, f] for u, f in np.argwhere(~known)}
    assert set(missing) == {(0, 2), (1, 1), (2, 3), (4, 0)}
    mean = page["mean"]
    assert mean == pytest.approx(np.nanmean(ratings))
    # Users 0-2 like films 0-1, users 3-4 like films 2-3.
    assert missing[(1, 1)] > 4.0  # seen: 4.7
    for low in ((0, 2), (2, 3), (4, 0)):
        assert missing[low] < 2.5  # seen: 1.3-1.8
    signs = np.sign(page["users"][:, 0])
    assert len(set(signs[:3])) == 1 and set(signs[3:]) == {-signs[0]}
    # Independent check of the solver: the regularized objective is stationary.
    users, films, penalty = page["users"], page["films"], page["penalty"]
    residual = np.where(known, mean + users @ films.T - ratings, 0.0)
    assert np.abs(residual @ films + penalty * users).max() < 1e-3
    assert np.abs(residual.T @ users + penalty * films).max() < 1e-3
    assert np.sqrt(np.mean(residual[known] ** 2)) < 0.6  # seen: 0.49


def test_the_sparse_code_finds_the_two_atoms_and_the_least_norm_code_does_not(page):
    dictionary, signal = page["dictionary"], page["signal"]
    code, least_norm, true_code = page["code"], page["least_norm"], page["true_code"]
    assert dictionary.shape == (12, 8)  # overcomplete: more atoms than dimensions
    np.testing.assert_allclose(np.linalg.norm(dictionary, axis=1), 1.0)
    assert np.flatnonzero(code).tolist() == [2, 7]
    np.testing.assert_allclose(code, true_code, atol=0.02)
    # Independent reference: scikit-learn's coordinate-descent Lasso on the same problem,
    # 1/2 |x - D^T z|^2 + 0.01 |z|_1 (Lasso divides the fit term by the 8 dimensions).
    reference = Lasso(alpha=0.01 / 8, fit_intercept=False, tol=1e-12, max_iter=100_000)
    reference.fit(dictionary.T, signal)
    np.testing.assert_allclose(code, reference.coef_, atol=1e-4)
    # Both codes rebuild the signal; the least-norm one is dense.
    np.testing.assert_allclose(least_norm @ dictionary, signal, atol=1e-12)
    assert np.all(np.abs(least_norm) > 1e-9)
    assert np.linalg.norm(least_norm) <= np.linalg.norm(true_code)
    assert np.abs(least_norm).sum() > np.abs(code).sum()
