/** Slicing a list into a page and describing it as `meta.pagination`. Pure. */

/** `meta` of a list response. */
export interface PageMeta {
  pagination: { total: number; limit: number; offset: number; has_more: boolean };
}

/**
 * The page of `items` at `offset` of size `limit`, with its pagination metadata. The request check fills both from
 * the spec's defaults when a request leaves them out; without them, the whole list is one page.
 */
export function paginate<T>(
  items: readonly T[],
  { limit = items.length, offset = 0 }: { limit?: number; offset?: number },
): { data: T[]; meta: PageMeta } {
  const data = items.slice(offset, offset + limit);
  return {
    data,
    meta: {
      pagination: { total: items.length, limit, offset, has_more: offset + data.length < items.length },
    },
  };
}
