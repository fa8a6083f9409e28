"""The fence finder sees what the site renders, including fences nested in containers."""

from __future__ import annotations

import pytest

from dlguide_docs.fences import (
    code_lines,
    dedent_containers,
    expand_includes,
    find_fences,
    read_section,
)

PAGE = """\
# Title

```python exec="on" session="s"
print(1)
```

!!! note "In an admonition"

    ```python
    x = 1
    ```

=== "Tab"

    ??? tip "Collapsed, inside a tab"

        ```python exec="on" session="s"
        print(2)
        ```

``` { .bash .notest data-reason="shell command" }
make test
```

```mermaid
flowchart LR
  a --> b
```
"""


def test_nested_fences_are_found_with_their_line_numbers():
    fences = find_fences(PAGE)
    assert [(f.language, f.line) for f in fences] == [
        ("python", 3),
        ("python", 9),
        ("python", 17),
        ("bash", 21),
        ("mermaid", 25),
    ]
    assert [f.content.strip() for f in fences[:3]] == ["print(1)", "x = 1", "print(2)"]


def test_fence_kinds():
    built, plain, nested, shell, diagram = find_fences(PAGE)
    assert built.built and nested.built and not plain.built
    assert shell.not_to_run and shell.reason == "shell command"
    assert not plain.not_to_run and plain.reason == ""
    assert not diagram.is_python


@pytest.mark.parametrize(
    ("info", "session", "prints_html"),
    [
        ('python exec="on" session="gan" html="on"', "gan", True),
        ("python exec=on session=gan html=1", "gan", True),
        ('python exec="on" result="text"', "", False),
        ('python exec="on" session="s" html="off"', "s", False),
    ],
)
def test_session_and_html_options(info, session, prints_html):
    (fence,) = find_fences(f"```{info}\nprint(1)\n```\n")
    assert fence.session == session
    assert fence.prints_html is prints_html


def test_dedent_keeps_line_count():
    assert len(dedent_containers(PAGE).split("\n")) == len(PAGE.split("\n"))


def test_includes_expand_to_named_sections(tmp_path):
    (tmp_path / "a.py").write_text(
        "import os\n# --8<-- [start:one]\nx = 1\n# --8<-- [end:one]\n"
        "# --8<-- [start:two]\ny = 2\n# --8<-- [end:two]\n"
    )
    assert expand_includes('--8<-- "a.py:two"', tmp_path) == "y = 2"
    assert "x = 1" in expand_includes('--8<-- "a.py"', tmp_path)
    assert "--8<--" not in expand_includes('--8<-- "a.py"', tmp_path)
    assert read_section(tmp_path, "a.py:one") == ["x = 1"]


@pytest.mark.parametrize("target", ["missing.py", "a.py:nope"])
def test_bad_includes_are_reported(tmp_path, target):
    (tmp_path / "a.py").write_text("x = 1\n")
    with pytest.raises(ValueError, match="not"):
        read_section(tmp_path, target)


def test_code_lines_ignore_blanks_and_comments():
    assert code_lines("x = 1\n\n  # why\n  y = 2  \n") == {"x = 1", "y = 2"}
