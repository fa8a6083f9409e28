"""Zero broken links and anchors in the built site, checked offline by lychee.

lychee reads every HTML, CSS and XML file of the built site and resolves each link against
the files: a page, an asset, or a `#fragment` that must be an id on the target page. Links
to the site's own published address (the canonical links, the sitemap, the notebooks'
links back to the site) are remapped onto the same files, so they are checked too. Every
other absolute URL is external: lychee runs with `--offline`, so none is fetched, and the
pass lists them in one report, `build/external-links.md`.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dlguide_docs.passdir import ROOT
from dlguide_docs.sitebuild import SiteBuild

LYCHEE = Path(sys.executable).with_name("lychee")
REPORT = ROOT / "build" / "external-links.md"
EXTERNAL_HREF = re.compile(r'<a\b[^>]*\bhref="(https?://[^"]+)"')


def run_lychee(
    site_dir: Path, site_url: str, workdir: Path, inputs: list[Path] | None = None
) -> dict:
    """Check every link of `site_dir` (or of `inputs`) offline; return lychee's JSON report.

    The site is placed, through a symbolic link, at the path it is published under, so
    root-relative links (the 404 page uses them) resolve as they do on the host.
    """
    prefix = urlparse(site_url).path.strip("/")
    root = workdir / "root"
    mount = root / prefix if prefix else root
    mount.parent.mkdir(parents=True, exist_ok=True)
    if prefix:
        mount.symlink_to(site_dir.resolve(), target_is_directory=True)
    else:
        root.rmdir()
        root.symlink_to(site_dir.resolve(), target_is_directory=True)
    output = workdir / "lychee.json"
    command = [
        str(LYCHEE), "--offline", "--include-fragments", "--index-files", "index.html",
        "--root-dir", str(root),
        "--remap", f"^{re.escape(site_url)} file://{mount.resolve()}/",
        # Inline icons in Material's stylesheets: nothing to check.
        "--exclude", "^data:",
        "--no-progress", "--format", "json", "--output", str(output),
        *[str(path) for path in inputs or [mount]],
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert output.is_file(), f"lychee wrote no report: {completed.stderr}"
    return json.loads(output.read_text(encoding="utf-8"))


def broken(report: dict) -> list[str]:
    """One line per broken link: the file it is in, the link, and why."""
    return [
        f"{source}: {entry['url']} ({entry['status']['text']})"
        for source, entries in report.get("error_map", {}).items()
        for entry in entries
    ]


def external_links(report: dict, site_url: str) -> dict[str, set[str]]:
    """External URLs lychee saw but did not fetch, with the files they appear in."""
    found: dict[str, set[str]] = defaultdict(set)
    for source, entries in report.get("excluded_map", {}).items():
        for entry in entries:
            url = entry["url"]
            if urlparse(url).scheme in {"http", "https"} and not url.startswith(site_url):
                found[url].add(source)
    return found


@pytest.mark.site
def test_the_built_site_has_no_broken_link_or_anchor(
    site_build: SiteBuild, site_url: str, tmp_path: Path
):
    report = run_lychee(site_build.site_dir, site_url, tmp_path)
    assert not broken(report), "broken links in the built site:\n" + "\n".join(broken(report))
    # The check saw the whole site: thousands of links, the remapped own-site ones among them.
    pages = len(list(site_build.site_dir.rglob("*.html")))
    assert report["total"] > 20 * pages, (report["total"], pages)
    assert report["remaps"] >= pages, "links to the site's own address were not checked"
    assert report["successful"] + report["excludes"] == report["total"]

    external = external_links(report, site_url)
    lines = ["# External links in the built site", "",
             "Not fetched by the test pass (lychee ran with `--offline`).", "",
             "| URL | found in |", "| --- | --- |"]  # fmt: skip
    for url, sources in sorted(external.items()):
        files = sorted(str(Path(s).relative_to(tmp_path / "root")) for s in sources)
        more = f" and {len(files) - 3} more" if len(files) > 3 else ""
        where = f"{len(files)} file{'s' if len(files) > 1 else ''}: {', '.join(files[:3])}{more}"
        lines.append(f"| <{url}> | {where} |")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # Every external link in the pages' HTML, found independently, is in the report.
    in_html = set()
    for page in site_build.site_dir.rglob("*.html"):
        hrefs = EXTERNAL_HREF.findall(page.read_text(encoding="utf-8"))
        in_html |= {html.unescape(href) for href in hrefs if not href.startswith(site_url)}
    assert in_html <= set(external), sorted(in_html - set(external))


@pytest.mark.site
def test_links_in_the_notebooks_lead_to_pages_and_anchors(
    site_build: SiteBuild, site_url: str, tmp_path: Path
):
    notebooks = sorted(site_build.site_dir.rglob("*.ipynb"))
    assert notebooks, "the site offers no notebook"
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        prose = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        links = re.findall(r"(?:\]\(|<)(https?://[^)>\s]+)", prose)  # [text](url) and <url>
        assert any(link.startswith(site_url) for link in links), notebook.name
        markdown = tmp_path / f"{notebook.stem}.md"
        markdown.write_text(prose, encoding="utf-8")
        work = tmp_path / notebook.stem
        work.mkdir()
        report = run_lychee(site_build.site_dir, site_url, work, inputs=[markdown])
        assert not broken(report), "\n".join(broken(report))
        assert report["remaps"] == sum(link.startswith(site_url) for link in links)


def test_the_check_fails_on_a_missing_page_and_a_missing_anchor(tmp_path: Path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<h2 id="there">There</h2>', encoding="utf-8")
    (site / "index.html").write_text(
        '<a href="a/#there">ok</a> <a href="a/#nowhere">bad anchor</a>'
        ' <a href="b/">missing page</a> <a href="https://example.org/x">external</a>'
        ' <a href="https://docs.example/guide/a/">own address</a>',
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    report = run_lychee(site, "https://docs.example/guide/", work)
    failures = "\n".join(broken(report))
    assert "a/#nowhere" in failures or "#nowhere" in failures, failures
    assert "/b" in failures, failures
    assert len(broken(report)) == 2, failures
    assert set(external_links(report, "https://docs.example/guide/")) == {"https://example.org/x"}
    assert report["remaps"] == 1
