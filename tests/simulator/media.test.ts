/**
 * The asset URLs the simulator hands out serve real media: PNG cards, sample clips, placeholders while a job runs,
 * with the headers browsers need (types, lengths, ETag, ranges, CORS).
 */
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { AssetsBase } from "../../src/mock/primitives/assets-base.js";
import { cdnPath } from "../../src/mock/rules/cdn-path.js";
import { createHarness, type Harness, imageBody } from "./harness.js";

const TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};

/** Fetches an asset URL from the simulator's own asset server (its CDN path under /assets/). */
async function media(h: Harness, url: string, init: RequestInit = {}) {
  const response = await h.sim.fetch(new Request(`http://simulator.test/assets/${cdnPath(url)}`, init));
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

/** What the bytes are, by their container's own markers. */
function sniff(bytes: Uint8Array): string {
  const text = ascii(bytes);
  if (text.startsWith("\x89PNG")) return "png";
  if (text.startsWith("\xff\xd8\xff")) return "jpg";
  if (text.startsWith("\x1a\x45\xdf\xa3") && text.includes("V_VP9")) return "webm";
  if (text.slice(4, 8) === "ftyp" && text.slice(8, 12) === "qt  " && text.includes("hvc1")) return "mov";
  if (text.slice(4, 8) === "ftyp" && text.includes("avc1")) return "mp4";
  return "unknown";
}

/** Every string in a JSON value that starts with `base`. */
function urlsIn(value: unknown, base: string): string[] {
  if (typeof value === "string") return value.startsWith(base) ? [value] : [];
  if (value && typeof value === "object") return Object.values(value).flatMap((v) => urlsIn(v, base));
  return [];
}

/** A fresh workspace with `credits` and a collection in it; `generate` accepts a generation there (202). */
async function collectionIn(h: Harness, credits = 100) {
  const { key } = await h.workspace("personal", credits);
  const { collectionId } = await h.collection(key);
  const generate = async (body: Record<string, unknown>) => {
    const accepted = await h.call("POST", `/v1/collections/${collectionId}/generate`, { key, body });
    expect(accepted.status).toBe(202);
    return accepted.body.data;
  };
  return { key, collectionId, generate };
}

const animation = { type: "animation", name: "Wave hello", image_prompt: "waving", animation_prompt: "wave" };

describe("asset media", () => {
  it("serves every asset URL of a flow as media of its declared type: generation, size variants, uploads, lists", async () => {
    const h = await createHarness();
    const { key, collectionId, generate } = await collectionIn(h);
    const accepted = await generate({ ...animation, duration: 2, sizes: [360] });
    const upload = await h.call("POST", "/v1/upload", {
      key,
      body: { url: "https://example.com/pic.jpg" },
    });
    await h.advance(60);
    const job = await h.call("GET", `/v1/jobs/${accepted.job_id}`, { key });
    const items = await h.call("GET", `/v1/collections/${collectionId}/items`, { key });
    const jobs = await h.call("GET", "/v1/jobs", { key });
    const asset = await h.call("GET", `/v1/assets/${accepted.asset_ids.webm}`, { key });
    expect(asset.body.data.status).toBe("ready");

    const urls = new Set(
      urlsIn(
        [accepted, upload.body, job.body, items.body, jobs.body, asset.body],
        "https://assets.masko.ai/",
      ),
    );
    expect(urls.size).toBeGreaterThanOrEqual(11); // 5 assets, 5 size variants, 1 upload
    for (const url of urls) {
      const { response, bytes } = await media(h, url);
      const ext = url.split(".").pop() as string;
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toBe(TYPES[ext]);
      expect(Number(response.headers.get("content-length")), url).toBe(bytes.byteLength);
      expect(sniff(bytes), url).toBe(ext);
    }
  });

  it("serves the URLs of a canvas export, a preview and a batch too", async () => {
    const h = await createHarness();
    const { key, collectionId } = await collectionIn(h, 300);
    const base = `/v1/collections/${collectionId}/canvases`;
    const canvas = await h.call("POST", base, {
      key,
      body: { name: "Greeter", template_id: "greeter-3state" },
    });
    await h.advance(10);
    await h.call("POST", `${base}/${canvas.body.data.id}/generate-all`, { key, body: {} });
    const preview = await h.call("POST", "/v1/generate/preview", {
      key,
      body: { collection_id: collectionId, image_prompt: "a fox" },
    });
    const batch = await h.call("POST", `/v1/collections/${collectionId}/generate-batch`, {
      key,
      body: { requests: [imageBody("Sit")] },
    });
    await h.advance(60);
    const exported = await h.call("GET", `${base}/${canvas.body.data.id}/export`, { key });
    expect(exported.status).toBe(200);
    const previewJob = await h.call("GET", `/v1/jobs/${preview.body.data.job_id}`, { key });

    const urls = urlsIn([exported.body, previewJob.body, batch.body], "https://assets.masko.ai/");
    expect(urls.filter((u) => u.endsWith(".webm")).length).toBeGreaterThanOrEqual(2);
    expect(urls.filter((u) => u.endsWith(".png")).length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      const { response, bytes } = await media(h, url);
      expect(response.status, url).toBe(200);
      expect(sniff(bytes), url).toBe(url.split(".").pop());
    }
  });

  it("draws image cards per asset: RGB for `image`, an alpha channel for `transparent_image`, the same bytes each time", async () => {
    const h = await createHarness();
    const { generate } = await collectionIn(h);
    const wave = await generate(imageBody("Wave"));
    const jump = await generate(imageBody("Jump"));
    await h.advance(60);

    const image = decode((await media(h, wave.urls.image)).bytes);
    expect(image).toMatchObject({ width: 256, height: 256, channels: 3 });
    const transparent = decode((await media(h, wave.urls.transparent_image)).bytes);
    expect(transparent.channels).toBe(4);
    const alphaAt = (x: number, y: number) => transparent.data[(y * 256 + x) * 4 + 3];
    expect(alphaAt(2, 2)).toBe(0); // background
    expect(alphaAt(128, 92)).toBe(255); // the disc
    // The same picture without its background: the disc has the same colour in both.
    expect([...image.data.slice((92 * 256 + 128) * 3, (92 * 256 + 128) * 3 + 3)]).toEqual([
      ...transparent.data.slice((92 * 256 + 128) * 4, (92 * 256 + 128) * 4 + 3),
    ]);

    const again = await media(h, wave.urls.image);
    expect(again.bytes).toEqual((await media(h, wave.urls.image)).bytes);
    expect((await media(h, jump.urls.image)).bytes).not.toEqual(again.bytes);
  });

  it("serves the grey placeholder (no-cache) while the job runs, then the final media under a new ETag", async () => {
    const h = await createHarness();
    const { generate } = await collectionIn(h);
    const accepted = await generate({ ...animation, duration: 2 });

    const pending = await media(h, accepted.urls.webm);
    expect(pending.response.status).toBe(200);
    expect(pending.response.headers.get("x-masko-asset-status")).toBe("pending");
    expect(pending.response.headers.get("cache-control")).toBe("no-cache");
    const pendingCard = decode((await media(h, accepted.urls.image)).bytes);
    const [r, g, b] = pendingCard.data.slice(0, 3);
    expect([r, g, b]).toEqual([229, 231, 235]);

    await h.advance(60);
    const ready = await media(h, accepted.urls.webm);
    expect(ready.response.headers.get("x-masko-asset-status")).toBe("ready");
    expect(ready.response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(ready.response.headers.get("etag")).not.toBe(pending.response.headers.get("etag"));
    expect(ready.bytes).not.toEqual(pending.bytes);
  });

  it("keeps the placeholder of a failed job's assets", async () => {
    const h = await createHarness();
    const { key, generate } = await collectionIn(h);
    await h.sim.control.setFaults({ fail_next_jobs: 1 });
    const accepted = await generate(imageBody("Doomed"));
    await h.advance(60);
    expect((await h.call("GET", `/v1/jobs/${accepted.job_id}`, { key })).body.data.status).toBe("failed");
    const { response } = await media(h, accepted.urls.image);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-masko-asset-status")).toBe("failed");
  });

  it("answers byte ranges as browsers ask for video: 206, suffix ranges, 416, If-Range, several ranges as 200", async () => {
    const h = await createHarness();
    const { generate } = await collectionIn(h);
    const { urls } = await generate({ ...animation, duration: 2 });
    await h.advance(60);
    const whole = await media(h, urls.video);
    const size = whole.bytes.byteLength;
    const etag = whole.response.headers.get("etag") as string;

    const first = await media(h, urls.video, { headers: { Range: "bytes=0-99" } });
    expect(first.response.status).toBe(206);
    expect(first.response.headers.get("content-range")).toBe(`bytes 0-99/${size}`);
    expect(first.bytes).toEqual(whole.bytes.slice(0, 100));

    const tail = await media(h, urls.video, { headers: { Range: "bytes=-10" } });
    expect(tail.response.headers.get("content-range")).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect(tail.bytes).toEqual(whole.bytes.slice(size - 10));

    const outside = await media(h, urls.video, { headers: { Range: `bytes=${size}-` } });
    expect(outside.response.status).toBe(416);
    expect(outside.response.headers.get("content-range")).toBe(`bytes */${size}`);
    expect(JSON.parse(ascii(outside.bytes)).error.code).toBe("range_not_satisfiable");

    const stale = await media(h, urls.video, { headers: { Range: "bytes=0-9", "If-Range": '"other"' } });
    expect(stale.response.status).toBe(200);
    const fresh = await media(h, urls.video, { headers: { Range: "bytes=0-9", "If-Range": etag } });
    expect(fresh.response.status).toBe(206);
    const several = await media(h, urls.video, { headers: { Range: "bytes=0-9,20-29" } });
    expect(several.response.status).toBe(200);
    expect(several.bytes.byteLength).toBe(size);
  });

  it("answers HEAD with GET's headers and no body, If-None-Match with 304, and CORS preflights", async () => {
    const h = await createHarness();
    const { generate } = await collectionIn(h);
    const { urls } = await generate(imageBody("Wave"));
    const get = await media(h, urls.image, { headers: { Origin: "http://app.test" } });
    expect(get.response.headers.get("access-control-allow-origin")).toBe("*");
    expect(get.response.headers.get("access-control-expose-headers")).toContain("Content-Range");

    const head = await media(h, urls.image, { method: "HEAD" });
    expect(head.response.status).toBe(200);
    expect(head.bytes.byteLength).toBe(0);
    for (const name of ["content-type", "content-length", "etag", "cache-control"]) {
      expect(head.response.headers.get(name)).toBe(get.response.headers.get(name));
    }

    const etag = get.response.headers.get("etag") as string;
    const cached = await media(h, urls.image, { headers: { "If-None-Match": etag } });
    expect(cached.response.status).toBe(304);
    expect(cached.bytes.byteLength).toBe(0);

    const preflight = await media(h, urls.image, {
      method: "OPTIONS",
      headers: { Origin: "http://app.test", "Access-Control-Request-Headers": "range" },
    });
    expect(preflight.response.status).toBe(204);
    expect(preflight.response.headers.get("access-control-allow-headers")).toContain("Range");
  });

  it("answers unknown assets 404 and other methods 405, in the error envelope, changing nothing", async () => {
    const h = await createHarness();
    const missing = await h.sim.fetch(
      new Request("http://simulator.test/assets/ffffffff/fox/wave-00000000.png"),
    );
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: "not_found", message: "Asset not found." });
    const badEscape = await h.sim.fetch(new Request("http://simulator.test/assets/a/b/%E0%A4%A.png"));
    expect(badEscape.status).toBe(404);

    const { generate } = await collectionIn(h);
    const { urls } = await generate(imageBody("Wave"));
    const post = await media(h, urls.image, { method: "DELETE" });
    expect(post.response.status).toBe(405);
    expect(post.response.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect((await media(h, urls.image)).response.status).toBe(200);
    // Each asset request is a line of the request log, without a key.
    expect(h.logs.slice(-2)).toEqual([
      expect.objectContaining({ method: "DELETE", path: `/assets/${cdnPath(urls.image)}`, status: 405 }),
      expect.objectContaining({ method: "GET", path: `/assets/${cdnPath(urls.image)}`, status: 200 }),
    ]);
    expect(h.logs.at(-1)?.keyId).toBeUndefined();
  });

  it("hands out URLs under a configured base (--assets-base-url) and still serves them by their CDN path", async () => {
    const h = await createHarness({ assetsBaseUrl: "https://cdn.example.test/masko/" });
    const { generate } = await collectionIn(h);
    const { urls } = await generate(imageBody("Wave"));
    expect(urls.image).toMatch(
      /^https:\/\/cdn\.example\.test\/masko\/[0-9a-f]{8}\/fox-[0-9a-f]{8}\/wave-[0-9a-f]{8}\.png$/,
    );
    expect((await media(h, urls.image)).response.status).toBe(200);
    expect(() => new AssetsBase("ftp://cdn.example.test")).toThrow(/absolute http\(s\) URL/);
  });
});
