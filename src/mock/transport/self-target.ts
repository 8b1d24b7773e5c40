/**
 * Whether a URL reaches this simulator itself (Node only): its port, on an address that is this machine's in any of
 * its forms — loopback (127.0.0.0/8, ::1), the unspecified address (0.0.0.0, ::), IPv4-mapped IPv6
 * (`[::ffff:127.0.0.1]`), decimal and hex IPv4 (`2130706433`, `0x7f.1`, which the URL parser already turns into
 * dotted form), the bound address, any address of a local interface, or a host name that resolves to one of these
 * (`localhost.` and names under `.localhost`, the machine's own names from /etc/hosts).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

/** The addresses of this machine, in a BlockList (which matches IPv4-mapped IPv6 against the IPv4 rules). */
function localAddresses(extra: string): BlockList {
  const list = new BlockList();
  list.addSubnet("127.0.0.0", 8, "ipv4");
  list.addAddress("0.0.0.0", "ipv4");
  list.addAddress("::1", "ipv6");
  list.addAddress("::", "ipv6");
  const add = (address: string) => {
    const family = isIP(address);
    if (family) list.addAddress(address, family === 4 ? "ipv4" : "ipv6");
  };
  add(extra);
  for (const nets of Object.values(networkInterfaces())) for (const net of nets ?? []) add(net.address);
  return list;
}

/** A check of URLs against the simulator listening on `port` at `address`. */
export function selfTargetCheck(address: string, port: number): (url: URL) => Promise<boolean> {
  const local = localAddresses(address);
  const isLocal = (ip: string) => local.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
  return async (url) => {
    const urlPort = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    if (urlPort !== port) return false;
    const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
    if (isIP(host)) return isLocal(host);
    // RFC 6761: localhost and every name under it are loopback, whatever a resolver says.
    if (host === "localhost" || host.endsWith(".localhost")) return true;
    const resolved = await lookup(host, { all: true }).catch(() => []);
    return resolved.some((r) => isLocal(r.address));
  };
}
