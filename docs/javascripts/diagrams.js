// Render Mermaid diagrams with the site's own copy of Mermaid, loaded only on pages
// that have a diagram (it is large), and again after every instant-navigation change.
// Mermaid measures text as it draws, so a diagram in a hidden content tab is drawn
// when its tab is first shown, not before.
const diagramScript = document.currentScript ? document.currentScript.src : "";
let mermaidReady;

function loadMermaid() {
  if (!mermaidReady) {
    mermaidReady = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("../assets/vendor/mermaid/mermaid.min.js", diagramScript).href;
      script.onload = () => resolve(window.mermaid);
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  return mermaidReady;
}

async function renderVisibleDiagrams() {
  const nodes = [...document.querySelectorAll("pre.diagram:not([data-processed])")]
    .filter((node) => node.offsetParent !== null);
  if (nodes.length === 0) return;
  for (const node of nodes) {
    // Mermaid parses the element's text; drop the <code> wrapper superfences adds.
    node.textContent = node.textContent;
  }
  const mermaid = await loadMermaid();
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", securityLevel: "strict" });
  await mermaid.run({ nodes });
}

document$.subscribe(() => {
  renderVisibleDiagrams();
  for (const input of document.querySelectorAll(".tabbed-set > input")) {
    input.addEventListener("change", renderVisibleDiagrams);
  }
});
