// A small client of the JSON API: JSON in and out, Bearer tokens, errors with the API's detail.

export class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : describe(detail));
    this.status = status;
    this.detail = detail;
  }
}

function describe(detail) {
  if (Array.isArray(detail)) return detail.map((d) => d.msg || JSON.stringify(d)).join("; ");
  return detail == null ? "" : JSON.stringify(detail);
}

/** fetch() the API; returns parsed JSON (null for 204); throws ApiError for non-2xx. */
export async function api(path, { method = "GET", token = null, body = undefined } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, `network error (${err.message})`);
  }
  if (response.status === 204) return null;
  let data = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) data = await response.json();
  if (!response.ok) {
    throw new ApiError(response.status, data && data.detail != null ? data.detail : response.statusText);
  }
  return data;
}

/** The conversation id from a path like /c/12 or /admin/12. */
export function conversationIdFromPath() {
  const match = window.location.pathname.match(/\/(\d+)\/?$/);
  return match ? Number(match[1]) : null;
}

/** Where a page keeps what it stores per conversation in the browser: the participant's
 * token and progress, and the facilitator's token (one name each, for every page). */
export const participantStore = (cid) => `meedenken:c:${cid}`;
export const facilitatorStore = (cid) => `meedenken:admin:${cid}`;

/** The facilitator token this browser keeps for conversation ``cid`` (the dashboard keeps it in
 * localStorage since issue 19; an older tab may still hold it in sessionStorage), or null. */
export function storedFacilitatorToken(cid) {
  const key = facilitatorStore(cid);
  return localStorage.getItem(key) || sessionStorage.getItem(key);
}
