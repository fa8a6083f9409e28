"""Serve third-party browser assets (KaTeX, Mermaid) from the site's own origin.

The files come from `node_modules/`, installed by `npm ci` from the pinned
package-lock.json, and are added to the build as if they were in docs/.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# package -> (directory inside the package, glob patterns of the files the site needs)
VENDORED = {
    "katex": ("dist", ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*"]),
    # The ES-module build: a page loads its core and the chunks of the diagram types it
    # draws (about 0.2 MB gzipped for a flowchart), not the 1 MB single-file bundle.
    "mermaid": ("dist", ["mermaid.esm.min.mjs", "chunks/mermaid.esm.min/*.mjs"]),
}
SITE_PREFIX = "assets/vendor"


def vendored_files(node_modules: Path) -> dict[str, Path]:
    """Map each vendored file's site path to its path under node_modules.

    Args:
        node_modules: The npm install directory.

    Returns:
        Site-relative destination -> source file.

    Raises:
        PluginError: If a package or file is missing (npm ci has not run).
    """
    mapping = {}
    for package, (subdir, patterns) in VENDORED.items():
        root = node_modules / package / subdir
        for pattern in patterns:
            matches = sorted(path for path in root.glob(pattern) if path.is_file())
            if not matches:
                raise PluginError(
                    f"{root / pattern} is missing: run `npm ci` (the Makefile does) "
                    "to install the pinned browser assets"
                )
            for path in matches:
                mapping[f"{SITE_PREFIX}/{package}/{path.relative_to(root).as_posix()}"] = path
    return mapping


def add_vendored(files: Files, config: MkDocsConfig, node_modules: Path) -> Files:
    """Add the vendored assets to the files MkDocs copies into the site.

    Args:
        files: The build's files.
        config: The MkDocs configuration.
        node_modules: The npm install directory.

    Returns:
        The same collection, with the assets added.
    """
    for destination, source in vendored_files(node_modules).items():
        files.append(File.generated(config, destination, abs_src_path=str(source)))
    return files
