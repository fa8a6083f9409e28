# --8<-- [start:exact]
from dlguide.envs import value_iteration

GAMMA = 0.9
ARROWS = "↑→↓←"  # the actions, in their order
q_star = value_iteration(env, GAMMA)  # (25 cells, 4 actions), exact


def draw(values_or_actions):
    """Lay one value or action per cell out on the map, walls and goal kept."""
    lines = []
    for row, text in enumerate(env.layout):
        cells = []
        for column, symbol in enumerate(text):
            item = values_or_actions.get((row, column), symbol)
            cells.append(ARROWS[item] if isinstance(item, int) else item)
        lines.append(" ".join(f"{cell:>5}" for cell in cells))
    return "\n".join(lines)


def state(cell):
    """The row of a (row, column) cell in q_star: its one-hot index."""
    return cell[0] * env.columns + cell[1]


v_star = {cell: f"{q_star[state(cell)].max():.2f}" for cell in env.starts}
best = {cell: int(np.argmax(q_star[state(cell)])) for cell in env.starts}
print(draw(v_star), draw(best), sep="\n\n")
# --8<-- [end:exact]
