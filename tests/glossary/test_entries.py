"""The glossary is complete: every term has an entry, a definition, links and, if it is
computational, an example that the build executed.

terms.csv lists every entry the glossary must have: the seed notes' hundred terms (by
their number and wording there) and the entries added beyond them, with each entry's
anchor, topic page, canonical entry (for a synonym) and whether it is computational.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment

from dlguide_docs.fences import find_fences
from dlguide_docs.glossary import duplicate_spellings, read_glossary, topic_pages
from dlguide_docs.passdir import ROOT

HERE = Path(__file__).parent
GLOSSARY = ROOT / "docs" / "glossary"
ROWS = list(csv.DictReader((HERE / "terms.csv").open(encoding="utf-8")))
SEED = [
    line.split("\t")
    for line in (HERE / "seed_definitions.tsv").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
]
ENTRIES = {entry.anchor: entry for entry in read_glossary(GLOSSARY)}
ANCHORS = {row["anchor"] for row in ROWS}
# A link to a glossary entry, from a topic page: `#anchor` or `page.md#anchor`.
GLOSSARY_LINK = re.compile(r"\]\((?:(?P<page>[a-z-]+)\.md)?#(?P<anchor>[\w-]+)\)")


def _row_id(row: dict[str, str]) -> str:
    return row["anchor"]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def test_the_list_holds_the_seeds_hundred_terms_once_each():
    numbers = [int(row["seed"]) for row in ROWS if row["seed"] != "-"]
    assert sorted(numbers) == list(range(1, 101))
    wording = {int(row["seed"]): row["term"] for row in ROWS if row["seed"] != "-"}
    assert wording == {int(number): term for number, term, _ in SEED}
    assert len(ANCHORS) == len(ROWS)


def test_synonyms_point_to_a_canonical_entry_that_is_not_itself_a_synonym():
    canonical = {row["anchor"]: row["canonical"] for row in ROWS}
    synonyms = {anchor: target for anchor, target in canonical.items() if target}
    # The seed's synonyms and near-duplicates, each pointing to one canonical entry.
    assert synonyms == {
        "cost-function": "loss-function",
        "objective-function": "loss-function",
        "clipping": "gradient-clipping",
        "gradient-vanishing": "vanishing-gradient",
        "sensitivity": "recall",
        "true-positive-rate": "recall",
        "fully-connected-layer": "dense-layer",
        "parameter-sharing": "weight-sharing",
    }
    for anchor, target in synonyms.items():
        assert target in canonical, anchor
        assert not canonical[target], f"{anchor} -> {target}, itself a synonym"


def test_at_least_fifty_terms_are_computational():
    assert sum(row["computational"] == "yes" for row in ROWS) >= 50


def test_every_entry_on_the_topic_pages_is_listed():
    pages = {path.stem for path in topic_pages(GLOSSARY)}
    assert pages == {row["page"] for row in ROWS}
    found = Counter(entry.anchor for entry in read_glossary(GLOSSARY))
    assert [anchor for anchor, count in found.items() if count > 1] == []
    assert sorted(set(found) - ANCHORS) == []


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_entry_has_its_anchor_on_its_page_and_a_full_sentence(row):
    entry = ENTRIES.get(row["anchor"])
    assert entry is not None, f"no entry with anchor {row['anchor']} for {row['term']}"
    assert entry.page == f"{row['page']}.md"
    tooltip = entry.tooltip
    assert re.fullmatch(r"[A-Z0-9].*[A-Za-z0-9)]\.", tooltip), tooltip
    assert 6 <= len(tooltip.split()) <= 35, tooltip  # one plain sentence, short
    assert "$" not in tooltip and "`" not in entry.definition.split(". ")[0], tooltip
    # An abbreviation's full stop would end the tooltip early before a capital letter.
    assert "e.g." not in tooltip and "i.e." not in tooltip, tooltip
    # The tooltip is about its own term (or, for a synonym, says whose other name it is).
    assert entry.term.casefold() in tooltip.casefold(), tooltip
    if row["canonical"]:
        assert "another name for" in tooltip, tooltip


@pytest.mark.parametrize("row", [r for r in ROWS if r["canonical"]], ids=_row_id)
def test_synonym_entry_names_and_links_its_canonical_entry(row):
    entry = ENTRIES[row["anchor"]]
    first = _sentences(entry.definition)[0]
    links = {m["anchor"] for m in GLOSSARY_LINK.finditer(first)}
    assert row["canonical"] in links, f"{row['anchor']}: {first}"
    assert not any(f.built for f in find_fences(entry.body))


@pytest.mark.parametrize("row", [r for r in ROWS if not r["canonical"]], ids=_row_id)
def test_entry_has_see_also_links_to_existing_entries(row):
    entry = ENTRIES[row["anchor"]]
    see_also = re.search(
        r"\*\*See also:\*\*(?P<links>.*?)(?:\n\n|\*\*At work in|$)", entry.body, re.S
    )
    assert see_also, f"{row['anchor']} has no See also"
    links = [
        (m["page"] or row["page"], m["anchor"]) for m in GLOSSARY_LINK.finditer(see_also["links"])
    ]
    assert len(links) >= 2, f"{row['anchor']}: {see_also['links']}"
    for page, anchor in links:
        assert anchor in ANCHORS and ENTRIES[anchor].page == f"{page}.md", (row["anchor"], anchor)


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_an_entry_has_an_executed_example_if_and_only_if_it_is_computational(row):
    entry = ENTRIES[row["anchor"]]
    built = [f for f in find_fences(entry.body) if f.is_python and f.built]
    if row["computational"] == "yes":
        assert built, f"{row['anchor']} is computational but has no executed example"
        assert all(f.content.strip() for f in built)
    else:
        assert not built, f"{row['anchor']} runs an example: mark it computational"


def test_no_spelling_has_two_tooltips():
    assert duplicate_spellings(list(ENTRIES.values())) == []


def _shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_no_sentence_is_copied_from_the_seed():
    # Eight words in a row shared with a seed definition is a copied sentence, not a
    # shared term; formulas and code are not prose and are left out.
    seed = set().union(*(_shingles(definition) for _, _, definition in SEED))
    for path in topic_pages(GLOSSARY):
        prose = re.sub(r"```.*?```|\$\$.*?\$\$", " ", path.read_text(encoding="utf-8"), flags=re.S)
        copied = [" ".join(s) for s in _shingles(prose) & seed]
        assert copied == [], f"{path.name}: {copied}"


def _section(soup: BeautifulSoup, anchor: str) -> list:
    heading = soup.find(id=anchor)
    assert heading is not None and heading.name == "h2", anchor
    nodes = []
    for sibling in heading.find_next_siblings():
        if sibling.name in {"h1", "h2"}:
            break
        nodes.append(sibling)
    return nodes


@pytest.mark.build
def test_built_entries_show_their_examples_output(site_build):
    pages: dict[str, BeautifulSoup] = {}
    for row in (r for r in ROWS if r["computational"] == "yes"):
        page = row["page"]
        if page not in pages:
            html = site_build.site_dir / "glossary" / page / "index.html"
            pages[page] = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        section = _section(pages[page], row["anchor"])
        outputs = [
            node for node in section for code in node.select("code") if code.get_text().strip()
        ]
        assert len(outputs) >= 2, f"{row['anchor']}: no source and output shown"


# Text where Material shows no tooltip, or where a term is not prose.
_NO_TOOLTIP = {
    "code",
    "pre",
    "script",
    "style",
    "svg",
    "abbr",
    "title",
    "nav",
    "header",
    "footer",
    "label",
    "button",
    "math",
    "annotation",
}


# Math (rendered in the browser from raw TeX), the build's stamp (added after Markdown)
# and the API reference's object names (Python identifiers, like `accuracy`).
_NOT_PROSE_CLASSES = {
    "arithmatex",
    "katex",
    "dlguide-verified",
    "dlguide-seconds",
    "doc-object-name",
}


def _prose_outside_abbreviations(soup: BeautifulSoup) -> str:
    article = soup.select_one("article") or soup
    texts = []
    for text in article.find_all(string=True):
        parents = list(text.parents)
        hidden = isinstance(text, Comment) or any(p.name in _NO_TOOLTIP for p in parents)
        classes = {name for p in parents for name in (p.get("class") or [])}
        if not hidden and not classes & _NOT_PROSE_CLASSES:
            texts.append(str(text))
    return "\n".join(texts)


@pytest.mark.build
def test_every_glossary_term_in_the_sites_prose_shows_its_tooltip(site_build):
    entries = list(ENTRIES.values())
    tooltip = {spelling: entry.tooltip for entry in entries for spelling in entry.spellings}
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(s) for s in sorted(tooltip, key=len, reverse=True)) + r")\b"
    )
    missing, shown = [], 0
    for html in sorted(site_build.site_dir.rglob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for abbr in soup.select("article abbr"):
            if abbr.get_text() in tooltip:
                assert abbr["title"] == tooltip[abbr.get_text()], abbr
                shown += 1
        page = html.relative_to(site_build.site_dir).as_posix()
        missing += [f"{page}: {m[0]}" for m in pattern.finditer(_prose_outside_abbreviations(soup))]
    assert missing == []
    assert shown > len(entries)
