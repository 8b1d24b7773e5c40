/**
 * Where the asset URLs the simulator hands out point: the base configured with `--assets-base-url` (or the
 * `assetsBaseUrl` option), else the listening simulator's own `/assets` path (set by `listen`), else the real CDN's
 * host (in-process and MSW, whose handlers answer that host). The CDN path follows the base unchanged.
 */
export const MASKO_CDN = "https://assets.masko.ai";

export class AssetsBase {
  #url: string;
  /** A base below another one (a sandbox's): the parent's URL, then this segment. */
  #parent: { base: AssetsBase; segment: string } | undefined;
  /** Whether a base was configured (then `listen` keeps it). */
  readonly configured: boolean;

  constructor(configured?: string) {
    if (
      configured !== undefined &&
      !/^https?:$/.test(URL.canParse(configured) ? new URL(configured).protocol : "")
    ) {
      throw new Error(`assets base URL must be an absolute http(s) URL, got ${JSON.stringify(configured)}`);
    }
    this.configured = configured !== undefined;
    this.#url = (configured ?? MASKO_CDN).replace(/\/+$/, "");
  }

  /** The base one path segment below `parent`'s, following it when it moves (a sandbox's `/assets/~sb_…`). */
  static within(parent: AssetsBase, segment: string): AssetsBase {
    const child = new AssetsBase(parent.configured ? parent.url : undefined);
    child.#parent = { base: parent, segment };
    return child;
  }

  /** The base, without a trailing slash. */
  get url(): string {
    return this.#parent ? `${this.#parent.base.url}/${this.#parent.segment}` : this.#url;
  }

  /** Points URLs at a listening server's own `/assets` path, unless a base was configured. */
  serveFrom(origin: string): void {
    if (!this.configured) this.#url = `${origin.replace(/\/+$/, "")}/assets`;
  }

  /** The URL of a CDN path (`{user_prefix}/{collection_slug}/{file}`). */
  urlOf(path: string): string {
    return `${this.url}/${path}`;
  }
}
