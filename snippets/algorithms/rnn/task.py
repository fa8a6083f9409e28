# --8<-- [start:examples]
# Three sequences of 12 steps; the marked token is shown in brackets.
examples, answers = make_marked_recall(3, length=12, seed=3)
for sequence, answer in zip(examples, answers, strict=True):
    tokens = sequence[:, :4].argmax(axis=1)  # (12,): the token of each step
    mark = int(sequence[:, 4].argmax())  # the step whose mark channel is 1
    shown = "".join(f"[{token}]" if step == mark else f" {token} "
                    for step, token in enumerate(tokens))
    print(f"{shown}  ->  {answer}")
# --8<-- [end:examples]
