# --8<-- [start:layout]
import numpy as np

import dlguide
from dlguide.envs import ACTION_NAMES, GridWorld
from dlguide.report import markdown_table

dlguide.set_seed(0)
env = GridWorld()  # the default map: 5x5, a step costs 1, at most 50 steps
print("\n".join(" ".join(row) for row in env.layout))
print(
    f"{len(env.starts)} start cells, goal at {env.goal}, "
    f"observations of {env.observation_size} numbers, "
    f"{env.num_actions} actions: {', '.join(ACTION_NAMES)}"
)
# --8<-- [end:layout]

# --8<-- [start:walk]
# From the left of the pocket: bump into the wall, then go round by the top.
script = ["right", "up", "up", *["right"] * 4, "down", "down", "left", "left"]
observation, info = env.reset(options={"start": (2, 0)})
walk, walk_return = [], 0.0
for name in script:
    observation, reward, terminated, truncated, _ = env.step(
        ACTION_NAMES.index(name)
    )
    walk_return += reward
    cell = divmod(int(np.argmax(observation)), env.columns)  # one-hot -> cell
    walk.append([len(walk) + 1, name, cell, reward, terminated, truncated])
headers = ["step", "action", "cell", "reward", "terminated", "truncated"]
print(markdown_table(headers, walk))
# --8<-- [end:walk]
