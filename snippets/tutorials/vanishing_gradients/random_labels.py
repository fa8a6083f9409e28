# --8<-- [start:random]
from dlguide.training import accuracy, train_model

random_generator = np.random.default_rng(0)
noise = random_generator.random((6000, 20), dtype=np.float32)  # (6000, 20)
coin_flips = random_generator.integers(0, 2, 6000).astype(np.float32)  # (6000,)
train, held_out = slice(0, 1000), slice(1000, 6000)

chance = {}
builders = {"sigmoid": sigmoid_network, "ReLU + BN": relu_bn_network}
for name, build in builders.items():
    dlguide.set_seed(0)
    model = build(20)
    optimizer = keras.optimizers.Adam(1e-3)
    train_model(model, noise[train], coin_flips[train], optimizer, epochs=5)
    chance[name] = accuracy(model, noise[held_out], coin_flips[held_out])
    print(f"{name:10} held-out accuracy on random labels: {chance[name]:.3f}")
# --8<-- [end:random]
