// One style for every message of the pages (issue 19, item 3): errors in the page's language,
// never the server's English; visibly different from success (colour, border and an icon,
// not colour alone); with a retry button where trying again makes sense.
import { t } from "./i18n.js";

/** The reader's words for a failed request (an ApiError from api.js, or anything thrown). */
export function errorText(err) {
  const status = err && typeof err.status === "number" ? err.status : -1;
  const detail = err && typeof err.detail === "string" ? err.detail : "";
  if (status === 0) return t("errors.network");
  if (status === 409 && /closed/i.test(detail)) return t("errors.closed");
  if (status === 409) return t("errors.conflict");
  if (status === 404) return t("errors.notFound");
  if (status === 401 || status === 403) return t("errors.forbidden");
  if (status === 413 || status === 422 || status === 400) return t("errors.invalid");
  if (status === 429) return t("errors.tooMany");
  if (status === 503) return t("errors.busy");
  if (status >= 500) return t("errors.server");
  return t("errors.unknown");
}

/** Whether a failure means the network is gone (nothing reached the server). */
export const isOffline = (err) => Boolean(err) && err.status === 0;
/** Whether a failure means the conversation was closed meanwhile. */
export const isClosed = (err) => Boolean(err) && err.status === 409
  && typeof err.detail === "string" && /closed/i.test(err.detail);

/**
 * Show one message in `root` (which keeps its role=status/alert): kind "ok" or "error";
 * `retry` adds a button that calls it. Returns the message element.
 */
export function showMessage(root, kind, text, { retry = null } = {}) {
  const box = document.createElement("div");
  box.className = `msg ${kind}`;
  const icon = document.createElement("span");
  icon.className = "msg-icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = kind === "ok" ? "✓" : "!";
  const body = document.createElement("p");
  body.textContent = text;
  box.append(icon, body);
  if (retry) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary retry";
    button.textContent = t("retry");
    button.addEventListener("click", () => { clearMessage(root); retry(); });
    box.append(button);
  }
  root.replaceChildren(box);
  root.hidden = false;
  return box;
}

/** An error in the reader's words; `withDetail`: the server's own explanation after it (where it
 * says something the reader can act on, e.g. what is wrong with an uploaded file). */
export function showError(root, err, { retry = null, prefix = "", withDetail = false } = {}) {
  let text = prefix ? `${t(prefix)} ${errorText(err)}` : errorText(err);
  if (withDetail && err && typeof err.detail === "string" && err.detail) text += ` (${err.detail})`;
  return showMessage(root, "error", text, { retry });
}

export function clearMessage(root) {
  root.replaceChildren();
  if (root.getAttribute("role") === "alert") root.hidden = true;
}
