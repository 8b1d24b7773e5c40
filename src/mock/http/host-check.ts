/**
 * Which `Host` values the control API answers (DNS rebinding): a page on `rebind.attacker.example` whose name is
 * re-pointed at 127.0.0.1 reaches the simulator with its own name in `Host`, so only names of the address the
 * simulator listens on are accepted — loopback names (`localhost`, names under `.localhost`, 127.0.0.0/8, `::1`),
 * the bound address (and, on a wildcard bind, the machine's interface addresses), plus any `--allowed-host`.
 * A request without `Host` (an in-process fetch `Request`, MSW) involves no DNS and is accepted.
 */

/** The host name of a `Host` header value: lower-case, without port, brackets or trailing dot. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  const name = value.startsWith("[") ? value.slice(1, value.indexOf("]")) : value.replace(/:\d*$/, "");
  return name.replace(/\.$/, "");
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** A Host check; `listeningOn` adds the names of the address the server bound (the Node adapter calls it). */
export function createHostCheck(allowedHosts: readonly string[] = []) {
  const allowed = new Set(allowedHosts.map(hostName));
  return {
    listeningOn(names: readonly string[]): void {
      for (const name of names) allowed.add(hostName(name));
    },
    allows(header: string | undefined): boolean {
      if (header === undefined) return true;
      const name = hostName(header);
      if (name === "localhost" || name.endsWith(".localhost") || name === "::1") return true;
      return LOOPBACK_V4.test(name) || allowed.has(name);
    },
  };
}

/** The checker's type. */
export type HostCheck = ReturnType<typeof createHostCheck>;
