/**
 * The page of tests/browser/media.test.ts, as a front end would write it: generate an animation, then show its PNGs
 * in <img> and its WebM in <video>. Bundled by the test with esbuild; `window.media` is what the test drives.
 */
import { setupWorker } from "msw/browser";
import { createMaskoSimulator } from "../../../src/msw/index.js";

type Urls = Record<string, string>;

async function call(api: string, key: string, path: string, body: unknown) {
  const response = await fetch(`${api}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()).data;
}

/** The alpha of the top-left pixel, and the highest alpha of all, of an image or a video frame (via a canvas). */
function alphaOf(source: HTMLImageElement | HTMLVideoElement, width: number, height: number) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
  ctx.drawImage(source, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height).data;
  let max = 0;
  for (let i = 3; i < pixels.length; i += 4) max = Math.max(max, pixels[i] as number);
  return { corner: pixels[3], max };
}

let simulator: Awaited<ReturnType<typeof createMaskoSimulator>> | undefined;

const media = {
  /** MSW in this page: the simulator answers https://api.masko.ai and https://assets.masko.ai. */
  async startMsw(): Promise<string> {
    simulator = await createMaskoSimulator();
    await setupWorker(...simulator.handlers).start({
      quiet: true,
      serviceWorker: { url: "/mockServiceWorker.js" },
    });
    return simulator.demo.api_key;
  },
  advanceClock: (seconds: number) => simulator?.advanceClock(seconds),

  /** Project, collection, and a 2-second animation from scratch: its asset URLs. */
  async generate(api: string, key: string): Promise<Urls> {
    const project = await call(api, key, "/v1/projects", { name: "Media page" });
    const collection = await call(api, key, "/v1/collections", {
      project_id: project.id,
      name: "Felix the Fox",
    });
    const accepted = await call(api, key, `/v1/collections/${collection.id}/generate`, {
      type: "animation",
      name: "Wave hello",
      image_prompt: "waving",
      animation_prompt: "waves",
      duration: 2,
    });
    return accepted.urls;
  },

  /** Shows the PNGs and the WebM; resolves once they are decoded, with what the browser made of them. */
  async show(urls: Urls) {
    const image = document.getElementById("image") as HTMLImageElement;
    const transparent = document.getElementById("transparent") as HTMLImageElement;
    const video = document.getElementById("webm") as HTMLVideoElement;
    image.crossOrigin = transparent.crossOrigin = video.crossOrigin = "anonymous";
    image.src = urls.image as string;
    transparent.src = urls.transparent_image as string;
    const playing = new Promise<void>((resolve, reject) => {
      video.addEventListener("timeupdate", () => video.currentTime > 0.2 && resolve());
      video.addEventListener("error", () => reject(new Error(`video error ${video.error?.code}`)));
    });
    video.src = urls.webm as string;
    await Promise.all([image.decode(), transparent.decode(), playing]);
    return {
      image: { width: image.naturalWidth, height: image.naturalHeight, alpha: alphaOf(image, 256, 256) },
      transparent: { width: transparent.naturalWidth, alpha: alphaOf(transparent, 256, 256) },
      video: {
        readyState: video.readyState,
        width: video.videoWidth,
        height: video.videoHeight,
        duration: video.duration,
        alpha: alphaOf(video, video.videoWidth, video.videoHeight),
      },
    };
  },
};

(window as unknown as { media: typeof media }).media = media;
