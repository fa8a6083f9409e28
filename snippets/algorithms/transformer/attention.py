# --8<-- [start:by_hand]
import keras
import numpy as np

import dlguide
from dlguide.models import transformer
from dlguide.report import markdown_table

dlguide.set_seed(0)
attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
x = np.random.default_rng(0).normal(size=(3, 5, 8)).astype("float32")
by_keras, keras_weights = attention(x, x, x, return_attention_scores=True)

# Kernels (model_dim, heads, key_dim) for Q, K, V; output (heads, key_dim, dim).
w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o = attention.get_weights()
q = np.einsum("btd,dhk->bhtk", x, w_q) + b_q[:, None]  # (batch, heads, t, k)
k = np.einsum("btd,dhk->bhtk", x, w_k) + b_k[:, None]
v = np.einsum("btd,dhk->bhtk", x, w_v) + b_v[:, None]
logits = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])  # (b, h, t, t)
weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
weights /= weights.sum(axis=-1, keepdims=True)  # softmax over the keys
heads = weights @ v  # (batch, heads, t, key_dim)
by_hand = np.einsum("bhtk,hkd->btd", heads, w_o) + b_o  # (batch, t, dim)

output_gap = float(np.max(np.abs(by_hand - np.asarray(by_keras))))
weight_gap = float(np.max(np.abs(weights - np.asarray(keras_weights))))
print(f"largest difference in the outputs: {output_gap:.1e}")
print(f"largest difference in the attention weights: {weight_gap:.1e}")
# --8<-- [end:by_hand]

# --8<-- [start:count]
MODEL_DIM, NUM_HEADS, FEEDFORWARD_DIM = 32, 2, 64
block = transformer.EncoderBlock(MODEL_DIM, NUM_HEADS, FEEDFORWARD_DIM)
block.build((None, 8, MODEL_DIM))  # (batch, length, model_dim)
parts = {
    "attention": [block.attention],  # W_Q, W_K, W_V, W_O and their biases
    "feed-forward": [block.hidden, block.projection],
    "layer norms": [block.attention_norm, block.feedforward_norm],
}
counts = {
    name: sum(layer.count_params() for layer in layers)
    for name, layers in parts.items()
}
rows = [[name, f"{count:,}"] for name, count in counts.items()]
block_count = block.count_params()
formula_count = transformer.encoder_block_parameter_count(
    MODEL_DIM, NUM_HEADS, FEEDFORWARD_DIM
)
rows.append(["block, counted by Keras", f"{block_count:,}"])
rows.append(["block, by the formula", f"{formula_count:,}"])
print(markdown_table(["part", "parameters"], rows))
# --8<-- [end:count]
