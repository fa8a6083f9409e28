"""A generative adversarial network for low-dimensional data, trained by alternating steps.

`build_generator` maps latent noise to a point; `build_discriminator` maps a point to one
logit, large when it believes the point is real. `GAN` holds both and overrides
`keras.Model.train_step`: on every batch it takes one discriminator step (real points
labelled 1, generated points 0) and then one generator step with the non-saturating loss
`-log D(G(z))`, each with its own optimizer and each changing only its own network's
weights. `model.fit` then runs these steps in a compiled `tf.function`.
"""

from collections.abc import Sequence

import keras
import tensorflow as tf

from dlguide._validation import positive_int


def _layer_widths(name: str, widths: Sequence[int]) -> tuple[int, ...]:
    """Return `widths` as a tuple of positive ints, or raise ValueError naming the argument."""
    values = tuple(widths) if not isinstance(widths, str | bytes) else ()
    if not values:
        raise ValueError(f"{name} must be a non-empty sequence of positive ints, got {widths!r}")
    for index, value in enumerate(values):
        positive_int(f"{name}[{index}]", value)
    return values


def _reads_flat_inputs(network: object) -> bool:
    """Whether `network` is a `keras.Model` with one input of shape (batch, features)."""
    return (
        isinstance(network, keras.Model)
        and isinstance(network.input_shape, tuple)
        and len(network.input_shape) == 2
    )


def _mlp(
    inputs: int, outputs: int, hidden: tuple[int, ...], activation: str, name: str
) -> keras.Model:
    """Stack `Dense` layers: one per hidden width, then a linear output layer."""
    features = keras.Input(shape=(inputs,), name="inputs")  # (batch, inputs)
    values = features
    for index, width in enumerate(hidden, 1):
        values = keras.layers.Dense(
            width, activation=activation, kernel_initializer="he_normal", name=f"hidden_{index}"
        )(values)  # (batch, width)
    values = keras.layers.Dense(outputs, name="output")(values)  # (batch, outputs), linear
    return keras.Model(features, values, name=name)


def build_generator(
    latent_dim: int = 8, data_dim: int = 2, hidden: Sequence[int] = (128, 128)
) -> keras.Model:
    """Build a generator: an MLP from latent noise to a point, with a linear output.

    Args:
        latent_dim: Size of the noise vector z, a positive int.
        data_dim: Size of a generated point, a positive int.
        hidden: Width of each hidden ReLU layer, a non-empty sequence of positive ints.

    Returns:
        An uncompiled `keras.Model` named "generator" mapping (batch, latent_dim) to
        (batch, data_dim).

    Raises:
        ValueError: If `latent_dim` or `data_dim` is not a positive int or `hidden` is
            empty or holds something other than positive ints.
    """
    latent_dim = positive_int("latent_dim", latent_dim)
    data_dim = positive_int("data_dim", data_dim)
    return _mlp(latent_dim, data_dim, _layer_widths("hidden", hidden), "relu", "generator")


def build_discriminator(data_dim: int = 2, hidden: Sequence[int] = (128, 128)) -> keras.Model:
    """Build a discriminator: an MLP from a point to one logit (no sigmoid).

    The output is the logit `l`; the probability that the point is real is
    `sigmoid(l)`. Losses are computed from logits, which is more accurate than taking
    the log of a probability that has rounded to 0 or 1. The hidden layers use leaky
    ReLU, so that no region of the plane gives the generator a zero gradient.

    Args:
        data_dim: Size of a point, a positive int.
        hidden: Width of each hidden layer, a non-empty sequence of positive ints.

    Returns:
        An uncompiled `keras.Model` named "discriminator" mapping (batch, data_dim) to
        (batch, 1).

    Raises:
        ValueError: If `data_dim` is not a positive int or `hidden` is empty or holds
            something other than positive ints.
    """
    data_dim = positive_int("data_dim", data_dim)
    return _mlp(data_dim, 1, _layer_widths("hidden", hidden), "leaky_relu", "discriminator")


def discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """Return the discriminator's binary cross-entropy: real labelled 1, generated 0.

    `-mean(log sigmoid(real_logits)) - mean(log(1 - sigmoid(fake_logits)))`: the sum of
    the two halves' mean losses, so that a discriminator that cannot tell the two apart
    (`sigmoid = 1/2` everywhere) scores `2 log 2`.

    Args:
        real_logits: Discriminator logits on real points, shape (batch, 1).
        fake_logits: Discriminator logits on generated points, shape (batch, 1).

    Returns:
        A scalar tensor.
    """
    real = tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(real_logits), real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(fake_logits), fake_logits)
    return tf.reduce_mean(real) + tf.reduce_mean(fake)


def generator_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """Return the non-saturating generator loss `-mean(log sigmoid(fake_logits))`.

    It is the cross-entropy of the generated points against the label "real". Its
    gradient with respect to a logit is `sigmoid(l) - 1`, close to -1 when the
    discriminator confidently rejects a point; the minimax loss `log(1 - sigmoid(l))`
    has gradient `-sigmoid(l)` instead, close to 0 in that case.

    Args:
        fake_logits: Discriminator logits on generated points, shape (batch, 1).

    Returns:
        A scalar tensor.
    """
    loss = tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(fake_logits), fake_logits)
    return tf.reduce_mean(loss)


class GAN(keras.Model):
    """A generator and a discriminator trained by alternating steps in `train_step`.

    Call `compile(discriminator_optimizer=..., generator_optimizer=...)`, then `fit` on
    real points; each batch takes one discriminator step and one generator step. Calling
    the model on noise of shape (batch, latent_dim) returns generated points.

    Args:
        generator: Maps (batch, latent_dim) noise to (batch, data_dim) points.
        discriminator: Maps (batch, data_dim) points to (batch, 1) logits.
        seed: Seed of the noise drawn in `train_step` and `sample`, a non-negative int.
        **kwargs: Passed to `keras.Model` (for example `name`).

    Raises:
        ValueError: If either network is not a `keras.Model` with the input and output
            shapes above, or `seed` is not a non-negative int.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int = 0, **kwargs):
        for argument, network in (("generator", generator), ("discriminator", discriminator)):
            if not _reads_flat_inputs(network):
                raise ValueError(
                    f"{argument} must be a keras.Model with inputs of shape (batch, features)"
                )
        data_dim = generator.output_shape[-1]
        if discriminator.input_shape[-1] != data_dim or discriminator.output_shape[-1] != 1:
            raise ValueError(
                f"discriminator must map (batch, {data_dim}) points, the generator's output, "
                f"to (batch, 1) logits; got {discriminator.input_shape} -> "
                f"{discriminator.output_shape}"
            )
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a non-negative int, got {seed!r}")
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = generator.input_shape[-1]
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.discriminator_loss_tracker = keras.metrics.Mean(name="discriminator_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")

    def compile(
        self,
        discriminator_optimizer: keras.optimizers.Optimizer,
        generator_optimizer: keras.optimizers.Optimizer,
        **kwargs,
    ) -> None:
        """Set one optimizer per network; other arguments go to `keras.Model.compile`.

        Args:
            discriminator_optimizer: Updates the discriminator's weights only.
            generator_optimizer: Updates the generator's weights only; must be a
                different object, since an optimizer keeps state per variable.
            **kwargs: Passed to `keras.Model.compile`.

        Raises:
            ValueError: If an optimizer is not a Keras optimizer or both are the same.
        """
        for argument, optimizer in (
            ("discriminator_optimizer", discriminator_optimizer),
            ("generator_optimizer", generator_optimizer),
        ):
            if not isinstance(optimizer, keras.optimizers.Optimizer):
                raise ValueError(f"{argument} must be a keras optimizer, got {optimizer!r}")
        if discriminator_optimizer is generator_optimizer:
            raise ValueError("discriminator_optimizer and generator_optimizer must be two objects")
        # No optimizer of the model's own: fit would otherwise build Keras's default
        # (RMSprop) over both networks' weights, and train_step would never use it.
        super().compile(**{"optimizer": None, **kwargs})
        self.discriminator_optimizer = discriminator_optimizer
        self.generator_optimizer = generator_optimizer
        # Create the optimizers' slots now, outside the traced training function.
        discriminator_optimizer.build(self.discriminator.trainable_variables)
        generator_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        """The two loss trackers, reset by `fit` at the start of every epoch."""
        return [self.discriminator_loss_tracker, self.generator_loss_tracker]

    def call(self, noise: tf.Tensor, training: bool = False) -> tf.Tensor:
        """Generate points from noise of shape (batch, latent_dim)."""
        return self.generator(noise, training=training)  # (batch, data_dim)

    def noise(self, batch_size: int | tf.Tensor) -> tf.Tensor:
        """Draw standard normal noise of shape (batch_size, latent_dim) from the model's seed."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.noise_seed)

    def discriminator_step(self, real: tf.Tensor, noise: tf.Tensor) -> tf.Tensor:
        """Take one optimizer step on the discriminator's weights; return its loss.

        Args:
            real: Real points, shape (batch, data_dim).
            noise: Latent noise for the generated points, shape (batch, latent_dim).

        Returns:
            The discriminator loss before the step, a scalar tensor.
        """
        fake = self.generator(noise, training=False)  # (batch, data_dim), G held fixed
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            loss = discriminator_loss(
                self.discriminator(real, training=True),  # (batch, 1)
                self.discriminator(fake, training=True),  # (batch, 1)
            )
        gradients = tape.gradient(loss, variables)
        self.discriminator_optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss

    def generator_step(self, noise: tf.Tensor) -> tf.Tensor:
        """Take one optimizer step on the generator's weights; return its loss.

        The gradient flows through the discriminator into the generator, but only the
        generator's variables are on the tape's list, so the discriminator is unchanged.

        Args:
            noise: Latent noise, shape (batch, latent_dim).

        Returns:
            The non-saturating generator loss before the step, a scalar tensor.
        """
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator(noise, training=True)  # (batch, data_dim)
            loss = generator_loss(self.discriminator(fake, training=False))
        gradients = tape.gradient(loss, variables)
        self.generator_optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss

    def train_step(self, data: tf.Tensor) -> dict[str, tf.Tensor]:
        """Take a discriminator step, then a generator step, on one batch of real points.

        Args:
            data: A batch of real points, shape (batch, data_dim).

        Returns:
            The running means of both losses over the epoch so far.
        """
        real = data[0] if isinstance(data, tuple) else data  # (batch, data_dim)
        batch_size = tf.shape(real)[0]
        self.discriminator_loss_tracker.update_state(
            self.discriminator_step(real, self.noise(batch_size))
        )
        self.generator_loss_tracker.update_state(self.generator_step(self.noise(batch_size)))
        return {metric.name: metric.result() for metric in self.metrics}

    def sample(self, num_samples: int) -> tf.Tensor:
        """Generate `num_samples` points from fresh noise.

        Args:
            num_samples: How many points, a positive int.

        Returns:
            A tensor of shape (num_samples, data_dim).

        Raises:
            ValueError: If `num_samples` is not a positive int.
        """
        num_samples = positive_int("num_samples", num_samples)
        return self.generator(self.noise(num_samples), training=False)
