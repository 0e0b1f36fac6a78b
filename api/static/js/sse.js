// Server-Sent Events over fetch(), so the facilitator token travels in the Authorization header
// (the browser's EventSource cannot send headers, and a token in a URL ends up in logs).
// Reconnects with a growing delay; a 401/403 stops it for good.

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;

/**
 * Follow `url`; call onEvent({event, id, data}) per event and onState(connected: boolean).
 * Returns a function that stops the stream.
 */
export function follow(url, token, { onEvent, onState = () => {}, onFatal = () => {} }) {
  const controller = new AbortController();
  let delay = RETRY_MIN_MS;

  async function connectOnce() {
    const headers = { Accept: "text/event-stream" };
    if (token) headers.Authorization = `Bearer ${token}`; // none: a public stream (state)
    const response = await fetch(url, {
      headers,
      signal: controller.signal,
      cache: "no-store",
    });
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      const error = new Error(`stream refused: ${response.status}`);
      error.fatal = true;
      throw error;
    }
    if (!response.ok || !response.body) throw new Error(`stream failed: ${response.status}`);
    onState(true);
    delay = RETRY_MIN_MS;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatch(block);
      }
    }
  }

  function dispatch(block) {
    const message = { event: "message", id: null, data: [] };
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue; // comment (keep-alive ping)
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") message.event = value;
      else if (field === "id") message.id = value;
      else if (field === "data") message.data.push(value);
    }
    if (message.data.length) onEvent({ ...message, data: message.data.join("\n") });
  }

  (async () => {
    while (!controller.signal.aborted) {
      try {
        await connectOnce();
      } catch (err) {
        if (controller.signal.aborted) return;
        if (err.fatal) { onState(false); onFatal(err); return; }
      }
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  })();

  return () => controller.abort();
}
