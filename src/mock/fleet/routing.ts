/**
 * Which tenant answers a request: a Masko API call belongs to the sandbox its key was registered to (the default
 * sandbox when none; a malformed or missing key is the default's to refuse), an asset path
 * `~{sandbox_id}/{cdn path}` to that sandbox's media. Until a sandbox may exist everything is the default's,
 * without a lookup.
 */
import type { ApiRequest, ApiResponse } from "../http/exchange.js";
import { bearerToken } from "../http/gate.js";
import { hashApiKey, isWellFormedKey } from "../rules/api-keys.js";
import type { Fleet } from "./fleet.js";
import type { Tenant } from "./tenant.js";

/** A sandbox's asset media: `~{sandbox_id}/{user_prefix}/{collection_slug}/{file}`. */
const SANDBOX_ASSETS = /^~(sb_[0-9a-f]+)\/(.*)$/s;

export function tenantRouter(main: Tenant, fleet: Fleet) {
  const policy = main.services.policies.keyPolicy;

  /** The tenant of a Masko API call (the default one at once when no sandbox may exist). */
  const apiTenant = (request: ApiRequest): Tenant | Promise<Tenant> => {
    if (!fleet.mayRoute) return main;
    const token = bearerToken(request.header("authorization"));
    if (!token || !isWellFormedKey(token, policy)) return main;
    const hash = hashApiKey(token);
    const open = (h: string) => fleet.forKey(h).then((sandbox) => sandbox?.tenant ?? main);
    if (typeof hash !== "string") return hash.then(open);
    const known = fleet.routeNow(hash);
    if (known === null) return main;
    return known ? known.tenant : open(hash);
  };

  /** Answers an asset request by its path below the assets base. */
  const media = async (request: ApiRequest, path: string): Promise<ApiResponse> => {
    const inSandbox = fleet.mayRoute ? SANDBOX_ASSETS.exec(path) : null;
    let sandbox: Awaited<ReturnType<Fleet["get"]>>;
    try {
      sandbox = inSandbox ? await fleet.get(inSandbox[1] ?? "") : undefined;
    } catch (error) {
      return main.api.refuse(error);
    }
    // An asset of an unknown sandbox is the default's to refuse (404, as for any path it does not hold).
    return sandbox ? sandbox.tenant.media(request, inSandbox?.[2] ?? "") : main.media(request, path);
  };

  return { apiTenant, media };
}
