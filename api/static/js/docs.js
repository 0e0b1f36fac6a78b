// The API's operations, read from /openapi.json and listed as plain text (no CDN, no inline
// script: the page runs under the same Content-Security-Policy as every other page).
const METHODS = ["get", "post", "put", "patch", "delete"];

function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function main() {
  const target = document.getElementById("operations");
  const response = await fetch("/openapi.json");
  const spec = await response.json();
  target.replaceChildren();
  const description = element("p", spec.info.description || "");
  target.append(description);
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const section = element("section");
      section.append(element("h2", `${method.toUpperCase()} ${path}`));
      if (op.summary) section.append(element("p", op.summary));
      if (op.description) section.append(element("p", op.description));
      const codes = Object.keys(op.responses || {}).join(", ");
      if (codes) section.append(element("p", `Responses: ${codes}`));
      target.append(section);
    }
  }
}

main().catch((error) => {
  document.getElementById("operations").textContent = `Could not load /openapi.json: ${error}`;
});
