"""Claims of docs/glossary/language.md, checked on what the build computed.

Every example on the page is deterministic (seeded NumPy generators and Keras weights),
so the margins below only absorb float32 rounding, except for the attention-scaling
statistics, which are sample estimates and get margins that hold for any seed.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import keras
import numpy as np
import pytest
from scipy.special import softmax

from dlguide.models.transformer import PositionalEmbedding

pytestmark = pytest.mark.build
PAGE = "glossary/language.md"
SESSION = "glossary-language"


def test_an_embedding_lookup_is_a_one_hot_product(page):
    table, ids = page["table"], page["token_ids"]
    assert table.shape == (6, 4)
    assert page["embedding"].count_params() == 24  # one trainable row of 4 per word
    np.testing.assert_array_equal(page["looked_up"], table[ids])
    # Picking a row and multiplying by a one-hot vector give the same numbers, exactly.
    np.testing.assert_array_equal(page["one_hot_rows"] @ table, page["looked_up"])
    np.testing.assert_array_equal(page["looked_up"][0], page["looked_up"][2])  # id 3 twice


def test_one_hot_codes_from_ops_and_layer_agree_and_are_equidistant(page):
    labels = page["labels"]
    np.testing.assert_array_equal(page["by_ops"], np.eye(3)[labels])
    np.testing.assert_array_equal(page["by_layer"], page["by_ops"])
    distances = page["distances"]
    off_diagonal = distances[~np.eye(3, dtype=bool)]
    np.testing.assert_allclose(off_diagonal, math.sqrt(2), rtol=1e-6)  # the prose's sqrt(2)
    np.testing.assert_array_equal(np.diag(distances), 0)


def test_a_bag_of_words_loses_word_order(page):
    sentences, counts = page["sentences"], page["counts"]
    vocabulary = list(page["vectorizer"].get_feature_names_out())
    assert vocabulary == ["bit", "dog", "fed", "man", "the"]
    # Independent reference: count the words with a Counter.
    expected = [[Counter(sentence.split())[word] for word in vocabulary] for sentence in sentences]
    np.testing.assert_array_equal(counts, expected)
    assert sentences[0] != sentences[1]
    np.testing.assert_array_equal(counts[0], counts[1])  # opposite meanings, same vector
    assert int(np.sum(counts[2] != counts[0])) == 2  # "differs from them in two entries"


def test_attention_matches_the_formula_and_keras(page):
    queries, keys, values = page["queries"], page["keys"], page["values"]
    assert page["d_k"] == queries.shape[1] == keys.shape[1] == 8
    # Independent reference: SciPy's softmax of the scaled scores.
    weights = softmax(queries @ keys.T / math.sqrt(8), axis=1)
    np.testing.assert_allclose(page["weights"], weights, rtol=1e-5)
    np.testing.assert_allclose(page["weights"].sum(axis=1), 1.0, atol=1e-6)
    assert page["weights"].shape == (4, 6) and np.all(page["weights"] > 0)
    np.testing.assert_allclose(page["by_hand"], weights @ values, atol=1e-5)
    assert np.abs(page["by_hand"] - page["by_keras"]).max() < 1e-5  # seen: 9.7e-8


def test_scaling_by_sqrt_dk_keeps_the_softmax_from_saturating(page):
    wide, raw = page["wide"], page["raw"]
    assert wide == 256 and raw.shape == (1000, 10)
    # A dot product of two d_k-vectors of unit-variance entries has std sqrt(d_k).
    assert 0.9 * math.sqrt(wide) < raw.std() < 1.1 * math.sqrt(wide)  # seen: 16.17
    scaled = raw / math.sqrt(wide)
    assert 0.9 < scaled.std() < 1.1  # seen: 1.01
    unscaled_largest = softmax(raw, axis=1).max(axis=1).mean()
    scaled_largest = softmax(scaled, axis=1).max(axis=1).mean()
    assert unscaled_largest > 0.85  # seen: 0.93, nearly all weight on one key
    assert scaled_largest < 0.5  # seen: 0.33, shared among several keys


def test_the_sinusoidal_encoding_follows_the_formula(page):
    encoding = page["encoding"]
    width = 16
    assert encoding.shape == (50, width)
    for p in (0, 1, 7, 49):
        for i in range(width // 2):
            angle = p / 10000 ** (2 * i / width)
            assert encoding[p, 2 * i] == pytest.approx(math.sin(angle), abs=1e-12)
            assert encoding[p, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-12)


def test_the_dot_product_of_two_encodings_depends_only_on_the_offset(page):
    similarity = page["similarity"]
    frequencies = 1 / 10000 ** (np.arange(0, 16, 2) / 16)
    for offset in (1, 3, 10):
        expected = np.cos(offset * frequencies).sum()
        along = np.diagonal(similarity, offset=offset)  # PE(p) . PE(p + offset), every p
        np.testing.assert_allclose(along, expected, atol=1e-9)
    expected_three = round(float(np.cos(3 * frequencies).sum()), 4)
    assert page["offset_three"] == [expected_three] * 3


def test_the_site_s_transformer_learns_its_position_vectors(page):
    shapes = {weight.path.split("/")[-2]: tuple(weight.shape) for weight in page["learned"].weights}
    assert shapes == {"token": (10, 16), "position": (8, 16)}
    assert all(weight.trainable for weight in page["learned"].weights)
    # Not sinusoids: a second Embedding table, added to the token's row.
    layer = PositionalEmbedding(vocab_size=10, max_length=8, model_dim=16)
    assert isinstance(layer.position_embedding, keras.layers.Embedding)
    ids = np.array([[3, 1, 4, 1, 5, 9, 2, 6]])
    output = keras.ops.convert_to_numpy(layer(ids))
    tokens = layer.token_embedding.embeddings.numpy()
    positions = layer.position_embedding.embeddings.numpy()
    np.testing.assert_allclose(output[0], tokens[ids[0]] + positions, atol=1e-7)


def test_modified_precision_clips_repeated_words(page):
    reference = ["the", "cat", "is", "on", "the", "mat"]
    assert page["modified_precision"](["the"] * 7, reference, 1) == Fraction(2, 7)
    # Unclipped, the seven "the" would all count.
    assert sum(word in reference for word in ["the"] * 7) == 7


def test_bleu_on_the_hand_example(page):
    scores = list(page["bleu_scores"].values())
    reference = page["reference"]
    assert reference == ["there", "is", "a", "cat", "sitting", "on", "the", "mat"]
    precision = page["modified_precision"]
    # Counted by hand: 7/7, 5/6, 3/5, 1/4 for the 7-word candidate, whose product is 1/8.
    candidate = ["there", "is", "a", "cat", "on", "the", "mat"]
    by_hand = [1, Fraction(5, 6), Fraction(3, 5), Fraction(1, 4)]
    assert [precision(candidate, reference, n) for n in (1, 2, 3, 4)] == by_hand
    expected = [
        1.0,  # identical to the reference
        math.exp(1 - 8 / 7) * (1 / 8) ** (1 / 4),  # brevity penalty times geometric mean
        math.exp(1 - 8 / 6),  # all precisions 1: only the brevity penalty
        0.0,  # no shared 4-gram
    ]
    assert scores == pytest.approx(expected, rel=1e-12)


def test_correction_a_paraphrase_can_score_zero(page):
    paraphrase = ["on", "the", "mat", "there", "sits", "a", "cat"]
    reference = page["reference"]
    assert page["bleu_scores"]["on the mat there sits a cat"] == 0.0
    assert page["modified_precision"](paraphrase, reference, 1) == Fraction(6, 7)  # words shared
    four_grams = {tuple(paraphrase[i : i + 4]) for i in range(len(paraphrase) - 3)}
    reference_four_grams = {tuple(reference[i : i + 4]) for i in range(len(reference) - 3)}
    assert not four_grams & reference_four_grams


def test_a_learned_position_table_cannot_read_past_its_length():
    layer = PositionalEmbedding(vocab_size=10, max_length=8, model_dim=16)
    assert layer(np.zeros((1, 8), dtype="int32")).shape == (1, 8, 16)
    with pytest.raises(Exception, match="GatherV2|indices"):  # no row for position 8
        layer(np.zeros((1, 9), dtype="int32"))


def test_the_keras_names_the_page_mentions_exist():
    assert callable(keras.utils.to_categorical)
    keras.layers.TextVectorization(output_mode="count")
    keras.layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")
    assert callable(keras.ops.dot_product_attention)
    assert issubclass(keras.layers.MultiHeadAttention, keras.layers.Layer)
