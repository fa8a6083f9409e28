# --8<-- [start:random]
from dlguide.training import accuracy, train_model

random_generator = np.random.default_rng(0)
noise_features = random_generator.random((1000, 20), dtype=np.float32)  # (1000, 20)
coin_flips = random_generator.integers(0, 2, size=1000).astype(np.float32)  # (1000,)

chance = {}
for name, build in [("sigmoid", sigmoid_network), ("ReLU + BN", relu_bn_network)]:
    dlguide.set_seed(0)
    model = build(20)
    train_model(model, noise_features[:800], coin_flips[:800], keras.optimizers.Adam(1e-3),
                epochs=5, batch_size=32)
    chance[name] = accuracy(model, noise_features[800:], coin_flips[800:])
    print(f"{name:10} held-out accuracy on random labels: {chance[name]:.3f}")
# --8<-- [end:random]
