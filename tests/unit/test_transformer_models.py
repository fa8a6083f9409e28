import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models import transformer


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _attention_reference(
    layer: keras.layers.MultiHeadAttention, query: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head scaled dot-product attention in float64 NumPy, from the layer's weights.

    Loops over heads and samples, writing softmax(q k^T / sqrt(d_k)) v out for each
    one, so it shares no einsum strings with Keras. The key is the value, as in
    `layer(query, value)`.
    """
    weights = {  # "query/kernel", ..., "attention_output/bias"
        "/".join(variable.path.split("/")[-2:]): variable.numpy().astype(np.float64)
        for variable in layer.weights
    }
    query, value = query.astype(np.float64), value.astype(np.float64)
    batch, query_length, _ = query.shape
    num_heads, key_dim = weights["query/bias"].shape
    output = np.tile(weights["attention_output/bias"], (batch, query_length, 1))
    scores = np.zeros((batch, num_heads, query_length, value.shape[1]))
    for sample in range(batch):
        for head in range(num_heads):
            q = query[sample] @ weights["query/kernel"][:, head] + weights["query/bias"][head]
            k = value[sample] @ weights["key/kernel"][:, head] + weights["key/bias"][head]
            v = value[sample] @ weights["value/kernel"][:, head] + weights["value/bias"][head]
            head_scores = _softmax(q @ k.T / np.sqrt(key_dim))  # (query_length, key_length)
            scores[sample, head] = head_scores
            output[sample] += (head_scores @ v) @ weights["attention_output/kernel"][head]
    return output, scores


def _layer_norm(x: np.ndarray, layer: keras.layers.LayerNormalization) -> np.ndarray:
    gamma, beta = (np.asarray(weight, np.float64) for weight in layer.get_weights())
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + layer.epsilon) * gamma + beta


@pytest.mark.parametrize(
    ("num_heads", "key_dim", "model_dim", "query_length", "key_length"),
    [(1, 8, 8, 5, 5), (2, 4, 8, 5, 5), (4, 3, 6, 3, 7), (3, 5, 10, 1, 4)],
)
def test_keras_attention_matches_scaled_dot_product_attention_in_numpy(
    num_heads, key_dim, model_dim, query_length, key_length
):
    set_seed(0)
    layer = keras.layers.MultiHeadAttention(num_heads, key_dim)
    rng = np.random.default_rng(1)
    query = rng.normal(size=(2, query_length, model_dim)).astype("float32")
    value = rng.normal(size=(2, key_length, model_dim)).astype("float32")
    output, scores = layer(query, value, return_attention_scores=True)
    expected_output, expected_scores = _attention_reference(layer, query, value)
    np.testing.assert_allclose(np.asarray(output), expected_output, atol=2e-5)
    np.testing.assert_allclose(np.asarray(scores), expected_scores, atol=2e-6)
    np.testing.assert_allclose(np.asarray(scores).sum(axis=-1), 1.0, atol=1e-5)


def test_encoder_block_matches_a_numpy_reimplementation():
    set_seed(0)
    block = transformer.EncoderBlock(model_dim=12, num_heads=3, feedforward_dim=20)
    x = np.random.default_rng(2).normal(size=(4, 6, 12)).astype("float32")
    outputs, scores = block(x, return_attention_scores=True)
    attended, expected_scores = _attention_reference(block.attention, x, x)
    hidden = _layer_norm(x + attended, block.attention_norm)
    first_kernel, first_bias = block.hidden.get_weights()
    second_kernel, second_bias = block.projection.get_weights()
    transformed = np.maximum(hidden @ first_kernel + first_bias, 0) @ second_kernel + second_bias
    expected = _layer_norm(hidden + transformed, block.feedforward_norm)
    np.testing.assert_allclose(np.asarray(outputs), expected, atol=5e-5)
    np.testing.assert_allclose(np.asarray(scores), expected_scores, atol=2e-6)
    # Without the flag the block returns the outputs alone.
    np.testing.assert_allclose(np.asarray(block(x)), np.asarray(outputs), atol=1e-6)


@pytest.mark.parametrize(
    ("model_dim", "num_heads", "feedforward_dim"),
    [(32, 2, 64), (32, 1, 64), (32, 8, 64), (12, 3, 5), (64, 4, 256)],
)
def test_block_parameter_count_matches_the_formula_and_keras(model_dim, num_heads, feedforward_dim):
    block = transformer.EncoderBlock(model_dim, num_heads, feedforward_dim)
    block.build((None, 7, model_dim))
    d, f = model_dim, feedforward_dim
    expected = 4 * (d * d + d) + (2 * d * f + f + d) + 4 * d
    assert transformer.encoder_block_parameter_count(d, num_heads, f) == expected
    assert block.count_params() == expected
    assert block.attention.count_params() == 4 * (d * d + d)


def test_positional_embedding_adds_a_token_vector_and_a_position_vector():
    set_seed(0)
    layer = transformer.PositionalEmbedding(vocab_size=7, max_length=6, model_dim=4)
    tokens = np.array([[0, 6, 2, 2], [5, 5, 5, 1]], dtype="int32")  # shorter than max_length
    embedded = np.asarray(layer(tokens))
    token_table = layer.token_embedding.embeddings.numpy()  # (7, 4)
    position_table = layer.position_embedding.embeddings.numpy()  # (6, 4)
    assert embedded.shape == (2, 4, 4)
    np.testing.assert_allclose(embedded, token_table[tokens] + position_table[:4], atol=1e-7)
    # The same token at two positions gets two different vectors.
    assert not np.allclose(embedded[1, 0], embedded[1, 1])
    assert layer.count_params() == 7 * 4 + 6 * 4


def test_layers_round_trip_through_their_config():
    embedding = transformer.PositionalEmbedding(11, 9, 16, name="probe_embedding")
    restored = transformer.PositionalEmbedding.from_config(embedding.get_config())
    assert (restored.vocab_size, restored.max_length, restored.model_dim) == (11, 9, 16)
    assert restored.name == "probe_embedding"
    block = transformer.EncoderBlock(16, 4, 32, dropout=0.1, name="probe_block")
    restored = transformer.EncoderBlock.from_config(block.get_config())
    assert (restored.model_dim, restored.num_heads, restored.feedforward_dim) == (16, 4, 32)
    assert restored.dropout == 0.1 and restored.name == "probe_block"


# Keras's own saving code converts variables with np.array(copy=False), which NumPy 2 flags.
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_a_saved_model_loads_with_the_same_predictions(tmp_path):
    set_seed(0)
    model = transformer.build_encoder_classifier(length=5, model_dim=8, feedforward_dim=16)
    tokens = np.random.default_rng(0).integers(0, 10, size=(3, 5)).astype("int32")
    path = tmp_path / "encoder.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.get_layer("embedding"), transformer.PositionalEmbedding)
    assert isinstance(loaded.get_layer("block_1"), transformer.EncoderBlock)
    np.testing.assert_allclose(np.asarray(loaded(tokens)), np.asarray(model(tokens)), atol=1e-6)


def test_default_classifier_layers_shapes_and_count():
    model = transformer.build_encoder_classifier()
    assert model.name == "encoder"
    assert model.input_shape == (None, 8) and model.output_shape == (None, 8, 10)
    assert [layer.name for layer in model.layers[1:]] == ["embedding", "block_1", "output"]
    expected = (
        (10 * 32 + 8 * 32)  # token and position embeddings
        + transformer.encoder_block_parameter_count(32, 2, 64)
        + (32 * 10 + 10)  # the same dense softmax at every position
    )
    assert model.count_params() == expected == 9_450
    positionless = transformer.build_encoder_classifier(positions=False)
    assert positionless.name == "encoder_no_positions"
    assert positionless.count_params() == expected - 8 * 32


def test_classifier_options():
    set_seed(0)
    model = transformer.build_encoder_classifier(
        vocab_size=5,
        length=4,
        model_dim=12,
        num_heads=3,
        feedforward_dim=8,
        num_blocks=3,
        num_classes=2,
        name="probe",
    )
    assert model.name == "probe" and model.output_shape == (None, 4, 2)
    assert [layer.name for layer in model.layers[2:5]] == ["block_1", "block_2", "block_3"]
    probabilities = np.asarray(model(np.array([[0, 1, 2, 4]], dtype="int32")))
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-5)


def test_without_positions_the_model_is_permutation_equivariant():
    set_seed(0)
    tokens = np.random.default_rng(3).integers(0, 10, size=(16, 8)).astype("int32")
    order = np.random.default_rng(4).permutation(8)
    for positions, equivariant in ((False, True), (True, False)):
        model = transformer.build_encoder_classifier(positions=positions, num_blocks=2)
        permuted_first = np.asarray(model(tokens[:, order]))
        permuted_after = np.asarray(model(tokens))[:, order]
        gap = np.max(np.abs(permuted_first - permuted_after))
        assert (gap < 1e-5) == equivariant, (positions, gap)


def test_attention_scores_are_the_blocks_own_weights():
    set_seed(0)
    model = transformer.build_encoder_classifier(length=6, num_blocks=2, num_heads=4)
    tokens = np.random.default_rng(5).integers(0, 10, size=(3, 6))
    scores = transformer.attention_scores(model, tokens)
    assert scores.shape == (2, 3, 4, 6, 6)
    np.testing.assert_allclose(scores.sum(axis=-1), 1.0, atol=1e-5)
    # Recompute block 2's weights from block 1's output with the NumPy reference.
    hidden = model.get_layer("block_1")(model.get_layer("embedding")(tokens.astype("int32")))
    _, expected = _attention_reference(
        model.get_layer("block_2").attention, np.asarray(hidden), np.asarray(hidden)
    )
    np.testing.assert_allclose(scores[1], expected, atol=2e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: transformer.PositionalEmbedding(0, 8, 4), r"^vocab_size must be a positive int"),
        (lambda: transformer.PositionalEmbedding(10, 8.0, 4), r"^max_length must be a positive"),
        (lambda: transformer.PositionalEmbedding(10, 8, None), r"^model_dim must be a positive"),
        (lambda: transformer.EncoderBlock(32, 0, 64), r"^num_heads must be a positive int"),
        (lambda: transformer.EncoderBlock(32, 3, 64), r"^num_heads must divide model_dim"),
        (lambda: transformer.EncoderBlock(32, 2, -64), r"^feedforward_dim must be a positive"),
        (lambda: transformer.EncoderBlock(32, 2, 64, dropout=1.0), r"^dropout must be a number"),
        (lambda: transformer.EncoderBlock(32, 2, 64, dropout="0"), r"^dropout must be a number"),
        (lambda: transformer.encoder_block_parameter_count(0, 1, 4), r"^model_dim must be"),
        (lambda: transformer.encoder_block_parameter_count(6, 4, 4), r"^num_heads must divide"),
        (lambda: transformer.encoder_block_parameter_count(6, 2, 0), r"^feedforward_dim must"),
    ],
)
def test_layers_and_count_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vocab_size": 0}, r"^vocab_size must be a positive int"),
        ({"length": 2.5}, r"^length must be a positive int"),
        ({"model_dim": 0}, r"^model_dim must be a positive int"),
        ({"model_dim": 0, "positions": False}, r"^model_dim must be a positive int"),
        ({"num_heads": 5}, r"^num_heads must divide model_dim"),
        ({"num_blocks": 0}, r"^num_blocks must be a positive int"),
        ({"num_classes": -2}, r"^num_classes must be a positive int"),
        ({"positions": "yes"}, r"^positions must be True or False"),
        ({"dropout": -0.1}, r"^dropout must be a number in \[0, 1\)"),
    ],
)
def test_build_encoder_classifier_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        transformer.build_encoder_classifier(**kwargs)


def test_attention_scores_rejects_bad_arguments():
    model = transformer.build_encoder_classifier(length=4)
    with pytest.raises(ValueError, match=r"^tokens must be integer ids of shape \(batch, 4\)"):
        transformer.attention_scores(model, np.zeros((2, 5), dtype=int))
    with pytest.raises(ValueError, match=r"^tokens must be integer ids"):
        transformer.attention_scores(model, np.zeros((2, 4), dtype="float32"))
    with pytest.raises(ValueError, match=r"^tokens must be integer ids"):
        transformer.attention_scores(model, [1, 2, 3, 4])
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name="plain")
    with pytest.raises(ValueError, match=r"^model must have an 'embedding' layer"):
        transformer.attention_scores(plain, np.zeros((1, 4), dtype=int))
