# The survey at a glance: each page's model rebuilt with that page's settings
# (the claim test checks the counts against the models the pages trained).
# --8<-- [start:table]
import numpy as np

import dlguide
from dlguide.envs import GridWorld
from dlguide.models import build_mlp
from dlguide.models.autoencoder import build_autoencoder
from dlguide.models.capsule import build_capsule_network
from dlguide.models.cnn import build_small_cnn
from dlguide.models.dbn import build_sigmoid_classifier
from dlguide.models.dqn import DQNConfig, build_q_network
from dlguide.models.gan import build_discriminator, build_generator
from dlguide.models.rbm import BernoulliRBM
from dlguide.models.recurrent import build_sequence_model
from dlguide.models.som import SelfOrganizingMap
from dlguide.models.transformer import build_encoder_classifier
from dlguide.report import markdown_table


def recurrent(cell):
    return build_sequence_model(cell, num_features=5, units=32,
                                output_units=4, output_activation="softmax")


def gan_pair():
    generator = build_generator(latent_dim=2, data_dim=2, hidden=(64, 64))
    discriminator = build_discriminator(data_dim=2, hidden=(64, 64))
    return generator.count_params() + discriminator.count_params()


def rbm():
    machine = BernoulliRBM(num_visible=64, num_hidden=64)
    machine.build((None, 64))
    return machine


def som():
    colours = np.random.default_rng(0).uniform(size=(2000, 3))
    return SelfOrganizingMap(20, 20, colours).prototypes.size


def dqn():
    env = GridWorld()
    hidden = DQNConfig().hidden_units
    network = build_q_network(env.observation_size, env.num_actions, hidden)
    return network.count_params()


# page: (title, what its example learns from, its model's parameter count)
SURVEY = {
    "ann": ("Multilayer perceptron", "2-D points",
            lambda: build_mlp(2, depth=3, width=32, activation="relu")),
    "cnn": ("Convolutional network", "8×8 images", build_small_cnn),
    "capsule": ("Capsule network", "8×8 images", build_capsule_network),
    "rnn": ("Simple RNN", "sequences", lambda: recurrent("SimpleRNN")),
    "lstm": ("LSTM", "sequences", lambda: recurrent("LSTM")),
    "gru": ("GRU", "sequences", lambda: recurrent("GRU")),
    "transformer": ("Transformer", "token sequences",
                    lambda: build_encoder_classifier(
                        vocab_size=10, length=8, model_dim=32, num_heads=2,
                        feedforward_dim=64, num_blocks=1)),
    "autoencoder": ("Autoencoder", "8×8 images, no labels",
                    lambda: build_autoencoder(64, code_size=8)),
    "gan": ("GAN", "2-D points, no labels", gan_pair),
    "rbm": ("Restricted Boltzmann machine", "binary 8×8 images, no labels",
            rbm),
    "dbn": ("Deep belief network", "8×8 images",
            lambda: build_sigmoid_classifier(64, (64, 64))),
    "som": ("Self-organizing map", "colours, no labels", som),
    "dqn": ("Deep Q-network", "rewards from a grid world", dqn),
}
rows, parameters = [], {}
for page, (title, data, build) in SURVEY.items():
    dlguide.set_seed(0)
    built = build()
    parameters[page] = (
        built if isinstance(built, int) else built.count_params()
    )
    seconds = f'class="dlguide-seconds" data-page="algorithms/{page}.md"'
    rows.append([
        f"[{title}]({page}.md)", data, f"{parameters[page]:,}",
        f"<span {seconds}></span>",
        f'<span {seconds} data-measure="largest"></span>',
    ])
print(markdown_table(
    ["algorithm", "its example learns from", "parameters",
     "examples, in all", "slowest example"],
    rows,
))
# --8<-- [end:table]
