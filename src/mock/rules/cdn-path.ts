/**
 * Where an asset lives on the CDN, apart from the host: `{user_prefix}/{collection_slug}/{item_slug}-{hash}.{ext}`
 * (uploads: `{user_prefix}/uploads/{hash}.{ext}`). The simulator finds an asset by these three segments whatever
 * base URL it hands out (`--assets-base-url`). Pure.
 */

/** The CDN path of an asset URL: its last three path segments, or undefined when it has fewer. */
export function cdnPath(url: string): string | undefined {
  const path = URL.canParse(url) ? new URL(url).pathname : url;
  const segments = path.split("/").filter(Boolean);
  return segments.length >= 3 ? segments.slice(-3).join("/") : undefined;
}

/** A size variant's path (`…-{hash}-{size}.{ext}`) as its original's, or undefined when it is not one. */
export function originalOfSizeVariant(path: string): string | undefined {
  const original = path.replace(/-([0-9a-f]{8})-\d{1,5}(\.[a-z0-9]+)$/, "-$1$2");
  return original === path ? undefined : original;
}
