// Render Mermaid diagrams with the site's own copy of Mermaid, loaded only on pages
// that have a diagram (it is large), and again after every instant-navigation change.
// Mermaid measures text as it draws, so a diagram in a hidden content tab is drawn
// when its tab is first shown, not before.
const diagramScript = document.currentScript ? document.currentScript.src : "";
let mermaidReady;

// Mermaid's ES-module build: the browser fetches its core, then only the chunks of the
// diagram types a page draws.
function loadMermaid() {
  if (!mermaidReady) {
    const url = new URL("../assets/vendor/mermaid/mermaid.esm.min.mjs", diagramScript).href;
    mermaidReady = import(url).then((module) => module.default);
  }
  return mermaidReady;
}

async function renderVisibleDiagrams() {
  // Claimed before the first await: a second call while Mermaid loads (a tab opened,
  // a page change) must not take the same diagrams again and reset one being drawn.
  const nodes = [...document.querySelectorAll("pre.diagram:not([data-claimed])")]
    .filter((node) => node.offsetParent !== null);
  if (nodes.length === 0) return;
  for (const node of nodes) {
    node.dataset.claimed = "true";
    // Mermaid parses the element's text; drop the <code> wrapper superfences adds.
    node.textContent = node.textContent;
  }
  const mermaid = await loadMermaid();
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", securityLevel: "strict" });
  await mermaid.run({ nodes });
  // Mermaid draws into a temporary element first and swaps in the final drawing at the
  // end; this marks the end, for anything (the browser tests) that waits for diagrams.
  for (const node of nodes) node.dataset.drawn = "true";
}

document$.subscribe(() => {
  renderVisibleDiagrams();
  for (const input of document.querySelectorAll(".tabbed-set > input")) {
    input.addEventListener("change", renderVisibleDiagrams);
  }
});
