/**
 * Which webhook URLs can be delivered to: parsed with the WHATWG URL parser, the one `fetch` uses when delivering,
 * so a URL accepted at creation is one delivery can call. Refused: what the parser refuses (`http://999.999.999.999/`,
 * `http://1.2.3.4.5/`, `http://0x100000000/`, a port past 65535), schemes other than http and https, and
 * credentials in the URL (`user:pass@`), which no receiver is sent.
 */

/** The parsed URL, or why it cannot be a webhook target. */
export type WebhookUrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export function checkWebhookUrl(raw: string): WebhookUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      ok: false,
      reason: "is not a URL that can be delivered to (its host, address or port is invalid)",
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ok: false, reason: "must use http or https" };
  if (url.username !== "" || url.password !== "") {
    return { ok: false, reason: "must not carry credentials (user:password@)" };
  }
  if (url.hostname === "") return { ok: false, reason: "must name a host" };
  return { ok: true, url };
}
