"""The pass's one strict build, made in-process from the pages the workers executed."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dlguide_docs import handoff
from dlguide_docs.passdir import ROOT, page_ticket, run_dir, wait

# Where the build's cache lives outside the pass; the pass copies what it executed there.
AUTHORING_CACHE = ROOT / ".cache" / "executed"


@dataclass
class SiteBuild:
    """The strict build this pass made, and what it executed.

    Attributes:
        site_dir: The built site.
        record: The build's execution record.
        warnings: What MkDocs logged at WARNING or above.
        site_url: The address the site was built for: a port of 127.0.0.1 reserved for
            it, under the published path, so the browser tests serve it where it expects
            to be (Material's instant navigation only follows links whose origin, port
            included, is the one in the sitemap), as `mkdocs serve` does.
        record_path: Where the record was written.
    """

    site_dir: Path
    record: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    site_url: str = ""
    record_path: Path = ROOT / "build" / "execution-record.json"


def shared_build(run: str, pages: Iterable[str]) -> SiteBuild:
    """This pass's build, made by the first process that asks; the others wait for it.

    The first one waits for the ticket of every page in `pages` (the pages this run's
    workers execute), builds, copies the pass's cache to the authoring cache and writes
    the site's ticket (or the error that stopped it, so nobody waits in vain).

    Args:
        run: The pass.
        pages: The pages whose tickets the build waits for (none without workers).
    """
    ticket = run_dir(run) / "site-ticket.json"
    if not handoff.claim(run_dir(run) / "build.claim"):
        found = wait(ticket, run, "the other worker's build")
        if "error" in found:
            pytest.fail(f"the other worker's build failed:\n{found['error']}", pytrace=False)
        return SiteBuild(
            site_dir=Path(found["site_dir"]),
            record=json.loads(Path(found["record"]).read_text(encoding="utf-8")),
            warnings=found["warnings"],
            site_url=found["site_url"],
        )
    try:
        for page in sorted(pages):
            wait(page_ticket(run, page), run, "pages of the other worker")
        built = build_site()
    except BaseException as error:
        handoff.write_ticket(ticket, run, error=f"the build failed: {error}")
        raise
    keep_for_authoring(run_dir(run) / "cache")
    handoff.write_ticket(
        ticket, run, site_dir=str(built.site_dir), site_url=built.site_url,
        record=str(built.record_path), warnings=built.warnings,
    )  # fmt: skip
    return built


def build_site() -> SiteBuild:
    """Run `mkdocs build --strict` in this process, for a reserved port of 127.0.0.1.

    The environment points the plugin at this pass's cache, so every page a worker
    executed is replayed. A failed strict build fails the calling test with every
    warning MkDocs logged.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    listener = handoff.reserve_port()
    published = urlparse(load_config(str(ROOT / "mkdocs.yml")).site_url)
    site_url = f"http://127.0.0.1:{listener.getsockname()[1]}{published.path}"
    caught = _Collector()
    logging.getLogger("mkdocs").addHandler(caught)
    try:
        config = load_config(str(ROOT / "mkdocs.yml"), strict=True, site_url=site_url)
        build(config)
    except Abort as error:
        message = f"strict build failed: {error}\n" + "\n".join(caught.messages)
        pytest.fail(message, pytrace=False)
    finally:
        logging.getLogger("mkdocs").removeHandler(caught)
        listener.close()
    record_path = config.plugins["dlguide-exec"].record_path
    return SiteBuild(
        site_dir=Path(config.site_dir),
        record=json.loads(record_path.read_text(encoding="utf-8")),
        warnings=caught.messages,
        site_url=config.site_url,
        record_path=record_path,
    )


def keep_for_authoring(cache: Path) -> None:
    """Copy what this pass executed into the authoring cache: `make serve` starts warm.

    Entries are keyed on everything a page's output depends on, and the pass writes only
    pages whose examples all ran, so an entry is as good there as here.
    """
    if not cache.is_dir():
        return
    AUTHORING_CACHE.mkdir(parents=True, exist_ok=True)
    for entry in cache.glob("*.json"):
        shutil.copy2(entry, AUTHORING_CACHE / entry.name)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")
