"""A small encoder-only transformer: embeddings, encoder blocks and a per-position classifier.

`PositionalEmbedding` adds a learned vector per position to a learned vector per token, so
that the model can tell where a token sits. `EncoderBlock` is one post-norm encoder layer
of Vaswani et al. (2017): multi-head self-attention and a two-layer feed-forward network,
each wrapped in a residual connection followed by layer normalization.
`build_encoder_classifier` stacks them into a model that reads a sequence of token ids and
predicts one token per position; `attention_scores` reads the attention weights of every
block back out of such a model.

Both layers are registered with Keras, so a model that uses them can be saved and loaded.
"""

import keras
import numpy as np
from numpy.typing import ArrayLike

from dlguide._validation import positive_int

_PACKAGE = "dlguide"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class PositionalEmbedding(keras.layers.Layer):
    """Token embeddings plus learned position embeddings.

    Maps token ids of shape (batch, length) to vectors of shape (batch, length, model_dim):
    `token_embedding[ids] + position_embedding[0 .. length - 1]`. Sequences may be shorter
    than `max_length`; they use the first positions.

    Args:
        vocab_size: Number of distinct tokens, a positive int.
        max_length: Longest sequence the layer accepts, a positive int.
        model_dim: Width of every embedding vector, a positive int.
        **kwargs: Passed to `keras.layers.Layer` (for example `name`).

    Raises:
        ValueError: If `vocab_size`, `max_length` or `model_dim` is not a positive int.
    """

    def __init__(self, vocab_size: int, max_length: int, model_dim: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.max_length = positive_int("max_length", max_length)
        self.model_dim = positive_int("model_dim", model_dim)
        self.token_embedding = keras.layers.Embedding(vocab_size, model_dim, name="token")
        self.position_embedding = keras.layers.Embedding(max_length, model_dim, name="position")

    def build(self, input_shape):
        """Create both embedding tables."""
        self.token_embedding.build(input_shape)
        self.position_embedding.build((input_shape[-1],))

    def call(self, inputs):
        """Embed token ids of shape (batch, length) as (batch, length, model_dim)."""
        length = keras.ops.shape(inputs)[-1]
        positions = keras.ops.arange(length)  # (length,)
        # (batch, length, model_dim) + (length, model_dim), broadcast over the batch.
        return self.token_embedding(inputs) + self.position_embedding(positions)

    def compute_output_shape(self, input_shape):
        """Return (*input_shape, model_dim)."""
        return (*input_shape, self.model_dim)

    def get_config(self):
        """Return the constructor arguments, for saving and loading."""
        config = super().get_config()
        config.update(
            vocab_size=self.vocab_size, max_length=self.max_length, model_dim=self.model_dim
        )
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class EncoderBlock(keras.layers.Layer):
    """One post-norm transformer encoder layer.

    `h = LayerNorm(x + MultiHeadAttention(x, x, x))`, then
    `output = LayerNorm(h + Dense(relu(Dense(h))))`. Shapes are preserved:
    (batch, length, model_dim) in and out.

    Args:
        model_dim: Width of the input and output vectors, a positive int.
        num_heads: Attention heads, a positive int dividing `model_dim`; each head has
            `model_dim // num_heads` dimensions for its queries, keys and values.
        feedforward_dim: Units of the hidden layer of the feed-forward network.
        dropout: Dropout rate on the attention weights and after each sublayer, in [0, 1).
        **kwargs: Passed to `keras.layers.Layer` (for example `name`).

    Raises:
        ValueError: If a size is not a positive int, `num_heads` does not divide
            `model_dim`, or `dropout` is outside [0, 1).
    """

    def __init__(
        self,
        model_dim: int,
        num_heads: int,
        feedforward_dim: int,
        dropout: float = 0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.model_dim = positive_int("model_dim", model_dim)
        self.num_heads = positive_int("num_heads", num_heads)
        self.feedforward_dim = positive_int("feedforward_dim", feedforward_dim)
        if model_dim % num_heads != 0:
            raise ValueError(
                f"num_heads must divide model_dim, got num_heads={num_heads} and "
                f"model_dim={model_dim}"
            )
        if isinstance(dropout, bool) or not isinstance(dropout, int | float):
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        self.dropout = float(dropout)
        self.attention = keras.layers.MultiHeadAttention(
            num_heads, model_dim // num_heads, dropout=dropout, name="attention"
        )
        self.attention_norm = keras.layers.LayerNormalization(name="attention_norm")
        self.hidden = keras.layers.Dense(feedforward_dim, activation="relu", name="hidden")
        self.projection = keras.layers.Dense(model_dim, name="projection")
        self.feedforward_norm = keras.layers.LayerNormalization(name="feedforward_norm")
        self.sublayer_dropout = keras.layers.Dropout(dropout)

    def build(self, input_shape):
        """Create the weights of the attention, the normalizations and the feed-forward part."""
        self.attention.build(input_shape, input_shape, input_shape)
        self.attention_norm.build(input_shape)
        self.hidden.build(input_shape)
        self.projection.build((*input_shape[:-1], self.feedforward_dim))
        self.feedforward_norm.build(input_shape)

    def call(self, inputs, training=None, return_attention_scores=False):
        """Apply the block to (batch, length, model_dim) vectors.

        Args:
            inputs: A float tensor of shape (batch, length, model_dim).
            training: Whether dropout is active.
            return_attention_scores: Also return the attention weights, of shape
                (batch, num_heads, length, length).

        Returns:
            The outputs, of the input's shape, or `(outputs, scores)`.
        """
        # attended: (batch, length, model_dim); scores: (batch, heads, length, length),
        # row i holding the weights position i gives to every position.
        attended, scores = self.attention(
            inputs, inputs, inputs, return_attention_scores=True, training=training
        )
        attended = self.sublayer_dropout(attended, training=training)
        hidden = self.attention_norm(inputs + attended)  # residual, then normalize
        transformed = self.projection(self.hidden(hidden))  # (batch, length, model_dim)
        transformed = self.sublayer_dropout(transformed, training=training)
        outputs = self.feedforward_norm(hidden + transformed)
        if return_attention_scores:
            return outputs, scores
        return outputs

    def compute_output_shape(self, input_shape):
        """Return the input's shape: the block preserves it."""
        return input_shape

    def get_config(self):
        """Return the constructor arguments, for saving and loading."""
        config = super().get_config()
        config.update(
            model_dim=self.model_dim,
            num_heads=self.num_heads,
            feedforward_dim=self.feedforward_dim,
            dropout=self.dropout,
        )
        return config


def encoder_block_parameter_count(model_dim: int, num_heads: int, feedforward_dim: int) -> int:
    """Return the weights of an `EncoderBlock`: 4d² + 4d + 2·d·f + f + d + 4d.

    With `d = model_dim` and `f = feedforward_dim`: the query, key, value and output
    projections of the attention are `d x d` matrices with `d` biases each (the heads
    split `d` between them, so their number does not matter); the feed-forward network
    has `d·f + f` and `f·d + d`; the two layer normalizations a scale and an offset of
    `d` each.

    Args:
        model_dim: Width of the block's vectors, a positive int.
        num_heads: Attention heads, a positive int dividing `model_dim`.
        feedforward_dim: Hidden units of the feed-forward network, a positive int.

    Returns:
        The number of parameters.

    Raises:
        ValueError: If an argument is not a positive int or `num_heads` does not divide
            `model_dim`.
    """
    d = positive_int("model_dim", model_dim)
    heads = positive_int("num_heads", num_heads)
    f = positive_int("feedforward_dim", feedforward_dim)
    if d % heads != 0:
        raise ValueError(f"num_heads must divide model_dim, got {heads} and {d}")
    attention = 4 * (d * d + d)
    feedforward = (d * f + f) + (f * d + d)
    norms = 2 * (2 * d)
    return attention + feedforward + norms


def build_encoder_classifier(
    vocab_size: int = 10,
    length: int = 8,
    model_dim: int = 32,
    num_heads: int = 2,
    feedforward_dim: int = 64,
    num_blocks: int = 1,
    num_classes: int | None = None,
    positions: bool = True,
    dropout: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """Build an encoder-only transformer that predicts one class per input position.

    Token ids (batch, length) are embedded (layer `embedding`, with learned position
    embeddings if `positions`), passed through `num_blocks` encoder blocks (`block_1`,
    ...) and a `Dense` softmax layer (`output`) applied to every position alike.

    Args:
        vocab_size: Number of distinct input tokens, a positive int.
        length: Tokens per sequence, a positive int.
        model_dim: Width of the embeddings and of every block, a positive int.
        num_heads: Attention heads per block, a positive int dividing `model_dim`.
        feedforward_dim: Hidden units of each block's feed-forward network.
        num_blocks: Number of encoder blocks, a positive int.
        num_classes: Classes predicted per position; defaults to `vocab_size`.
        positions: Whether to add learned position embeddings. Without them the model
            is blind to order: permuting the input permutes the output the same way.
        dropout: Dropout rate inside the blocks, in [0, 1).
        name: Model name; defaults to "encoder" or "encoder_no_positions".

    Returns:
        An uncompiled `keras.Model` mapping (batch, length) token ids to
        (batch, length, num_classes) probabilities.

    Raises:
        ValueError: If a size is not a positive int, `num_heads` does not divide
            `model_dim`, `positions` is not a bool or `dropout` is outside [0, 1).
    """
    vocab_size = positive_int("vocab_size", vocab_size)
    length = positive_int("length", length)
    num_blocks = positive_int("num_blocks", num_blocks)
    num_classes = vocab_size if num_classes is None else positive_int("num_classes", num_classes)
    if not isinstance(positions, bool):
        raise ValueError(f"positions must be True or False, got {positions!r}")
    if name is None:
        name = "encoder" if positions else "encoder_no_positions"

    inputs = keras.Input(shape=(length,), dtype="int32", name="tokens")  # (batch, length)
    if positions:
        embedding = PositionalEmbedding(vocab_size, length, model_dim, name="embedding")
    else:
        embedding = keras.layers.Embedding(
            vocab_size, positive_int("model_dim", model_dim), name="embedding"
        )
    hidden = embedding(inputs)  # (batch, length, model_dim)
    for index in range(1, num_blocks + 1):
        block = EncoderBlock(model_dim, num_heads, feedforward_dim, dropout, name=f"block_{index}")
        hidden = block(hidden)  # (batch, length, model_dim)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(
        hidden
    )  # (batch, length, num_classes)
    return keras.Model(inputs, outputs, name=name)


def attention_scores(model: keras.Model, tokens: ArrayLike) -> np.ndarray:
    """Return the attention weights of every encoder block of a model, in inference mode.

    Args:
        model: A model from `build_encoder_classifier` (layers `embedding`, `block_1`, ...).
        tokens: Token ids, array-like of shape (batch, length).

    Returns:
        A float array of shape (num_blocks, batch, num_heads, length, length); entry
        `[b, n, h, i, j]` is the weight that head `h` of block `b + 1` gives, at query
        position `i`, to key position `j`. Each row over `j` sums to 1.

    Raises:
        ValueError: If `model` has no `embedding` layer or no `EncoderBlock`, or `tokens`
            is not a 2-D integer array with the model's sequence length.
    """
    blocks = [layer for layer in model.layers if isinstance(layer, EncoderBlock)]
    names = {layer.name for layer in model.layers}
    if "embedding" not in names or not blocks:
        raise ValueError(
            f"model must have an 'embedding' layer and encoder blocks, as built by "
            f"build_encoder_classifier; {model.name!r} has {sorted(names)}"
        )
    array = np.asarray(tokens)
    if array.ndim != 2 or array.dtype.kind not in "iu" or array.shape[1] != model.input_shape[1]:
        raise ValueError(
            f"tokens must be integer ids of shape (batch, {model.input_shape[1]}), got shape "
            f"{array.shape} and dtype {array.dtype}"
        )
    hidden = model.get_layer("embedding")(array.astype("int32"))  # (batch, length, model_dim)
    scores = []
    for block in blocks:
        hidden, block_scores = block(hidden, training=False, return_attention_scores=True)
        scores.append(np.asarray(block_scores))  # (batch, heads, length, length)
    return np.stack(scores)
