# --8<-- [start:config]
import dataclasses

rows = [
    [field.name, getattr(config, field.name)]
    for field in dataclasses.fields(config)
]
print(markdown_table(["DQNConfig", "default"], rows))
# --8<-- [end:config]

# --8<-- [start:train]
from dlguide.envs import evaluate_policy

SEEDS, EVALUATION_EPISODES = (0, 1, 2), 100


def random_policy(generator):
    """Ignore the observation and pick one of the actions uniformly."""
    return lambda observation: int(generator.integers(env.num_actions))


def optimal_policy(observation):
    """Act greedily on value iteration's exact Q-values."""
    return int(np.argmax(q_star[np.argmax(observation)]))


networks, histories = {}, {}
returns = {"DQN, greedy": [], "random": [], "optimal": []}  # mean per seed
for seed in SEEDS:
    dlguide.set_seed(seed)
    networks[seed], histories[seed] = dqn.train_dqn(env, config, seed=seed)
    policies = {
        "DQN, greedy": dqn.greedy_policy(networks[seed]),
        "random": random_policy(np.random.default_rng(seed)),
        "optimal": optimal_policy,
    }
    for label, policy in policies.items():
        # One seed, the same start cells for every policy.
        episode_returns = evaluate_policy(
            env, policy, EVALUATION_EPISODES, seed=seed
        )
        returns[label].append(float(np.mean(episode_returns)))
rows = [
    [
        seed,
        len(histories[seed]["episode_return"]),
        *(f"{returns[label][index]:.2f}" for label in returns),
    ]
    for index, seed in enumerate(SEEDS)
]
print(markdown_table(["seed", "training episodes", *returns], rows))
# --8<-- [end:train]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from dlguide.plots import figure_to_svg

WINDOW = 10  # training episodes per moving average
figure, axes = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
for seed in SEEDS:
    episode_returns = histories[seed]["episode_return"]
    smoothed = np.convolve(episode_returns, np.ones(WINDOW) / WINDOW, "valid")
    axes.plot(
        histories[seed]["episode_end_step"][WINDOW - 1 :],
        smoothed,
        color="C0",
        alpha=0.8,
        label="DQN, training episodes" if seed == SEEDS[0] else None,
    )
for label, color in (("random", "C3"), ("optimal", "C2")):
    axes.axhline(
        np.mean(returns[label]),
        color=color,
        linestyle="--",
        label=f"{label} policy, evaluated",
    )
axes.axvline(
    config.epsilon_decay_steps,
    color="grey",
    linestyle=":",
    label=f"epsilon reaches {config.epsilon_end}",
)
axes.set_xlabel("environment step")
axes.set_ylabel(f"return, mean of {WINDOW} episodes")
axes.grid(True, alpha=0.3)
axes.legend(fontsize="small", loc="lower right")
alt = (
    f"Return of the DQN's training episodes, averaged over {WINDOW} episodes, "
    f"against the environment step, for {len(SEEDS)} seeds. The curves start "
    f"near the random policy's return ({np.mean(returns['random']):.0f}) and "
    f"climb to about the optimal one ({np.mean(returns['optimal']):.0f}) "
    f"by the time epsilon has decayed, at step {config.epsilon_decay_steps:,}."
)
print(figure_to_svg(figure, alt=alt))
# --8<-- [end:plot]

# --8<-- [start:policy]
observations = np.stack([env.observe(cell) for cell in env.starts])  # (17, 25)
exact = q_star[[state(cell) for cell in env.starts]]  # (17, 4)
q_errors, optimal_cells = [], []
for seed in SEEDS:
    learned = np.asarray(networks[seed](observations))  # (17, 4), one call
    q_errors.append(float(np.abs(learned - exact).max()))
    # An action is optimal if its exact Q-value ties the best one.
    chosen = exact[np.arange(len(exact)), learned.argmax(axis=1)]
    optimal_cells.append(int(np.sum(chosen >= exact.max(axis=1) - 1e-6)))
    if seed == SEEDS[0]:
        greedy_map = dict(
            zip(env.starts, learned.argmax(axis=1).tolist(), strict=True)
        )
print(draw(greedy_map))
print(f"\nlargest |Q - Q*| per seed: {np.round(q_errors, 3).tolist()}")
print(
    f"cells with an optimal greedy action: {optimal_cells} of {len(env.starts)}"
)
# --8<-- [end:policy]
