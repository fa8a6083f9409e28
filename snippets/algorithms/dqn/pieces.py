# --8<-- [start:target]
import tensorflow as tf

from dlguide.models import dqn

# Three transitions; the second one ends in the goal, a terminal state.
rewards = tf.constant([-1.0, -1.0, -1.0])
next_q_values = tf.constant(
    [
        [-2.0, -1.5, -3.0, -2.5],  # Q_target(s', .)
        [-4.0, -0.5, -1.0, -2.0],
        [-5.0, -6.0, -4.5, -7.0],
    ]
)
terminated = tf.constant([0.0, 1.0, 0.0])
targets = dqn.bellman_targets(rewards, next_q_values, terminated, GAMMA)
by_hand = [-1 + GAMMA * -1.5, -1.0, -1 + GAMMA * -4.5]
print("targets:", np.round(targets.numpy(), 4))
print("by hand:", np.round(by_hand, 4))
# --8<-- [end:target]

# --8<-- [start:replay]
from dlguide.replay import ReplayBuffer

buffer = ReplayBuffer(capacity=4, observation_size=1)
for number in range(6):  # transition 4 overwrites 0, transition 5 overwrites 1
    buffer.add(
        [number],
        action=0,
        reward=float(number),
        next_observation=[number + 1],
        terminated=False,
    )
print("kept:", buffer.rewards.tolist(), "size:", len(buffer))
draws = buffer.sample(8000, np.random.default_rng(0))[2]  # the rewards drawn
kept, counts = np.unique(draws, return_counts=True)
print("drawn:", dict(zip(kept.tolist(), counts.tolist(), strict=True)))
# --8<-- [end:replay]

# --8<-- [start:network]
config = dqn.DQNConfig()
network = dqn.build_q_network(
    env.observation_size, env.num_actions, config.hidden_units
)
for layer in network.layers[1:]:
    print(
        f"{layer.name:9} {layer.activation.__name__:6} "
        f"{layer.units:3} units {layer.count_params():5,} parameters"
    )
schedule = {
    step: dqn.linear_epsilon(
        step,
        config.epsilon_start,
        config.epsilon_end,
        config.epsilon_decay_steps,
    )
    for step in (0, 500, 1000, config.total_steps)
}
print(
    "epsilon by step:",
    {step: round(value, 3) for step, value in schedule.items()},
)
# --8<-- [end:network]
