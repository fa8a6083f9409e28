// Typeset $...$ and $$...$$ (pymdownx.arithmatex, generic mode) with the site's own KaTeX,
// again after every instant-navigation page change.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
  // A formula wider than the column scrolls sideways; keyboard users can only scroll
  // what they can focus (axe-core rule scrollable-region-focusable). Widths are final
  // once KaTeX's fonts have loaded.
  document.fonts.ready.then(() => {
    for (const block of body.querySelectorAll("div.arithmatex")) {
      if (block.scrollWidth > block.clientWidth) block.tabIndex = 0;
    }
  });
});
