/**
 * Strings a store cannot hold: a lone UTF-16 surrogate (`"\udc00"`) is valid JSON but not Unicode, and Redis'
 * Lua JSON decoder rejects it, so one such string would poison every later read of its record. Refused at the door.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (value or key) in `value` that is not well-formed Unicode, if any. */
export function illFormedAt(value: unknown, at = "body"): string | undefined {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? at : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = illFormedAt(item, `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const place = at === "body" ? key : `${at}.${key}`;
      if (LONE_SURROGATE.test(key)) return place;
      const found = illFormedAt(item, place);
      if (found) return found;
    }
  }
  return undefined;
}
