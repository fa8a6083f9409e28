"""The coverage rules catch each way code can reach a page without running."""

from __future__ import annotations

from dlguide_docs.coverage import (
    fence_problems,
    pages_running_scripts,
    shown_code_problems,
    snippet_problems,
)

PAGE = """\
# Page

```python exec="on" session="p"
print("built")
```

=== "Tab"

    ```python
    hidden_in_a_tab = 1
    ```

``` { .bash .notest data-reason="shell command" }
make test
```
"""


def test_a_page_whose_code_all_ran_passes(tmp_path):
    executed = {'print("built")', "hidden_in_a_tab = 1"}
    assert fence_problems("page.md", PAGE, 1, executed, tmp_path) == []


def test_a_fence_in_a_tab_that_did_not_run_is_reported(tmp_path):
    problems = fence_problems("page.md", PAGE, 1, {'print("built")'}, tmp_path)
    assert problems == ["page.md:9: this Python fence was not executed in this pass"]


def test_a_build_that_ran_fewer_blocks_than_the_page_has_is_reported(tmp_path):
    problems = fence_problems("page.md", PAGE, 0, {"hidden_in_a_tab = 1"}, tmp_path)
    assert problems == ["page.md: 1 executable fences, but the build ran 0"]


def test_a_notest_block_without_a_reason_is_reported(tmp_path):
    page = "```{ .python .notest }\n1 / 0\n```\n"
    assert fence_problems("page.md", page, 0, set(), tmp_path) == [
        "page.md:1: a .notest block must say why (data-reason)"
    ]


def test_an_unmarked_shell_block_is_reported(tmp_path):
    page = "```bash\nrm -rf build\n```\n"
    assert fence_problems("page.md", page, 0, set(), tmp_path) == [
        'page.md:1: a bash block neither runs nor is marked { .lang .notest data-reason="..." }'
    ]


def test_diagrams_need_no_reason(tmp_path):
    page = "```mermaid\nflowchart LR\n a-->b\n```\n"
    assert fence_problems("page.md", page, 0, set(), tmp_path) == []


def _html(*blocks: str) -> str:
    return "<html><body><article>" + "".join(blocks) + "</article></body></html>"


def test_shown_code_that_ran_passes():
    html = _html('<div class="language-python highlight"><pre><code>x = 1\n</code></pre></div>')
    assert shown_code_problems("p", html, {"x = 1"}) == []


def test_shown_code_that_did_not_run_is_reported():
    html = _html('<div class="language-python highlight"><pre><code>x = 2\n</code></pre></div>')
    assert shown_code_problems("p", html, {"x = 1"}) == ["p shows code that did not run: ['x = 2']"]


def test_signatures_are_not_examples_but_notest_needs_its_reason():
    html = _html(
        '<div class="language-python doc-signature highlight"><pre><code>f(x)</code></pre></div>',
        '<div class="language-python notest highlight"><pre><code>1/0</code></pre></div>',
    )
    assert shown_code_problems("p", html, set()) == ["p: a .notest block without a reason"]


def test_a_snippet_no_page_includes_is_reported(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "orphan.py").write_text("x = 1\n")
    assert snippet_problems("snippets/orphan.py", {"page.md": "# Page\n"}, {}, tmp_path) == [
        "snippets/orphan.py is included by no page"
    ]


def test_a_snippet_only_partly_executed_is_reported(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "half.py").write_text(
        "# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\ny = 2\n"
    )
    page = '```python exec="on"\n--8<-- "snippets/half.py:a"\n```\n'
    executed = {"page.md": {"x = 1"}}
    problems = snippet_problems("snippets/half.py", {"page.md": page}, executed, tmp_path)
    assert problems == ["snippets/half.py: lines no page executed in this pass: ['y = 2']"]


def _script_page(tmp_path):
    (tmp_path / "snippets").mkdir()
    script = tmp_path / "snippets" / "worker.py"
    script.write_text("import sys\nsys.exit(0)\n")
    page = '```python { .python .notest data-reason="runs as two processes" }\n'
    page += '--8<-- "snippets/worker.py"\n```\n'
    return script, {"page.md": page}


def test_a_snippet_run_as_a_script_counts_only_with_its_current_digest(tmp_path):
    import hashlib

    script, sources = _script_page(tmp_path)
    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    assert pages_running_scripts(sources) == ["page.md"]
    assert (
        snippet_problems(
            "snippets/worker.py", sources, {}, tmp_path, {"snippets/worker.py": digest}
        )
        == []
    )
    script.write_text("import sys\nsys.exit(1)\n")  # edited after the processes ran
    assert snippet_problems(
        "snippets/worker.py", sources, {}, tmp_path, {"snippets/worker.py": digest}
    ) == ["snippets/worker.py: the processes that ran it in this pass ran another version"]


def test_a_snippet_shown_but_run_nowhere_is_reported(tmp_path):
    _, sources = _script_page(tmp_path)
    problems = snippet_problems("snippets/worker.py", sources, {}, tmp_path, {})
    assert problems == [
        "snippets/worker.py: lines no page executed in this pass: ['import sys', 'sys.exit(0)']"
    ]
