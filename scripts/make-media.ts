/**
 * `npm run media`: makes the simulator's media samples once and writes them, base64-encoded, into
 * src/mock/media/samples.generated.ts (committed; the simulator, MSW in Node and MSW in a browser all read that one
 * module, so no file has to be found at run time).
 *   - the video clips with Debian's ffmpeg: MP4 (H.264), WebM (VP9 with an alpha channel), QuickTime .mov (HEVC,
 *     tagged hvc1), each a 2-second loop at 160×160, once as the finished asset and once as the "generating"
 *     placeholder a pending asset serves;
 *   - one sample image per upload type (PNG, JPEG, WebP, GIF), also with ffmpeg;
 *   - the glyph atlases the PNG cards are drawn with: DejaVu Sans Bold rendered by Chromium (Debian's `chromium`
 *     and `fonts-dejavu-core`) into a grey-scale PNG, with each glyph's position and advance.
 * Needs `ffmpeg` and `chromium` (apt-get install ffmpeg chromium). Run it again only to change the media.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "fast-png";
import type { Atlas } from "../src/mock/media/atlas.js";
import { launchChromium } from "../support/chromium.js";

const OUT = "src/mock/media/samples.generated.ts";
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
const work = mkdtempSync(join(tmpdir(), "masko-media-"));

/** ffmpeg with `args`; bit-exact output (no random ids or version tags), so running it again changes nothing. */
function ffmpeg(args: string[]): void {
  const output = args.slice(-1);
  execFileSync(
    "ffmpeg",
    ["-hide_banner", "-loglevel", "error", "-y", ...args.slice(0, -1), "-fflags", "+bitexact", ...output],
    { stdio: "inherit" },
  );
}

/** A 2-second 160×160 RGBA loop: an orange disc swinging (finished) or a grey pulsing ring (placeholder). */
function clipSource(kind: "ready" | "placeholder"): string {
  const base = "color=c=0x00000000:s=160x160:r=12:d=2,format=rgba";
  const label = (text: string, y: number) =>
    `drawtext=fontfile=${FONT}:text='${text}':fontsize=15:fontcolor=white:borderw=2:bordercolor=0x333333:x=(w-tw)/2:y=${y}`;
  if (kind === "ready") {
    return `${base},geq=r='250':g='130+50*sin(2*PI*T/2)':b='40':a='if(lt(hypot(X-80-36*sin(2*PI*T/2),Y-72),34),255,0)',${label("masko", 126)}`;
  }
  return `${base},geq=r='150':g='150':b='160':a='if(between(hypot(X-80,Y-70),24+6*sin(2*PI*T/2),34+6*sin(2*PI*T/2)),255,0)',${label("generating", 126)}`;
}

/** The clips of one kind in the three containers the API hands out. */
function makeClips(kind: "ready" | "placeholder"): Record<string, string> {
  const src = ["-f", "lavfi", "-i", clipSource(kind)];
  const webm = join(work, `${kind}.webm`);
  const mp4 = join(work, `${kind}.mp4`);
  const mov = join(work, `${kind}.mov`);
  ffmpeg([
    ...src,
    ...["-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p", "-b:v", "0", "-crf", "40", "-auto-alt-ref", "0"],
    webm,
  ]);
  // H.264 and HEVC have no alpha here: the colours are flattened on white.
  const flat = [
    "-filter_complex",
    "color=white:s=160x160:r=12:d=2[bg];[bg][0:v]overlay=shortest=1,format=yuv420p",
  ];
  ffmpeg([
    ...src,
    ...flat,
    "-c:v",
    "libx264",
    "-profile:v",
    "baseline",
    "-crf",
    "32",
    "-movflags",
    "+faststart",
    mp4,
  ]);
  ffmpeg([
    ...src,
    ...flat,
    ...["-c:v", "libx265", "-crf", "32", "-tag:v", "hvc1", "-x265-params", "log-level=error"],
    ...["-movflags", "+faststart", mov],
  ]);
  const b64 = (file: string) => readFileSync(file).toString("base64");
  return { video: b64(mp4), webm: b64(webm), hevc: b64(mov) };
}

/** One sample picture per upload type: what an upload or an imported URL serves (the simulator keeps no bytes). */
function makeUploadSamples(): Record<string, string> {
  const src = [
    "-f",
    "lavfi",
    "-i",
    `color=c=0x2f6fb0:s=160x160:d=1,drawtext=fontfile=${FONT}:text='upload':fontsize=24:fontcolor=white:x=(w-tw)/2:y=(h-th)/2`,
    "-frames:v",
    "1",
  ];
  const out: Record<string, string> = {};
  for (const [type, ext] of [
    ["image/png", "png"],
    ["image/jpeg", "jpg"],
    ["image/webp", "webp"],
    ["image/gif", "gif"],
  ] as const) {
    const file = join(work, `upload.${ext}`);
    ffmpeg([...src, file]);
    out[type] = readFileSync(file).toString("base64");
  }
  return out;
}

/** Printable ASCII and Latin-1: the characters the cards can show (others are drawn as "?"). */
const CHARS = [
  ...Array.from({ length: 95 }, (_, i) => 32 + i),
  ...Array.from({ length: 96 }, (_, i) => 160 + i),
]
  .map((c) => String.fromCharCode(c))
  .join("")
  .concat("…");

/** Renders `CHARS` at `px` pixels in Chromium: each glyph's alpha, its place in the atlas and its advance. */
async function makeAtlas(px: number): Promise<Atlas> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const drawn = await page.evaluate(
      async ({ chars, px, font }) => {
        const face = new FontFace("atlas", `url(data:font/ttf;base64,${font})`);
        document.fonts.add(await face.load());
        const canvas = document.createElement("canvas");
        const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
        ctx.font = `${px}px atlas`;
        const advance = [...chars].map((c) => ctx.measureText(c).width);
        const width = advance.map((a) => Math.ceil(a) + 2);
        const x: number[] = [];
        let pen = 0;
        for (const w of width) {
          x.push(pen);
          pen += w;
        }
        const height = Math.ceil(px * 1.3);
        const baseline = Math.round(px * 1.0);
        canvas.width = pen;
        canvas.height = height;
        ctx.font = `${px}px atlas`;
        ctx.fillStyle = "#fff";
        [...chars].forEach((c, i) => {
          ctx.fillText(c, (x[i] as number) + 1, baseline);
        });
        const rgba = ctx.getImageData(0, 0, pen, height).data;
        const alpha = Array.from({ length: pen * height }, (_, i) => rgba[i * 4 + 3] as number);
        return { x, width, advance, height, baseline, total: pen, alpha };
      },
      { chars: CHARS, px, font: readFileSync(FONT).toString("base64") },
    );
    const png = encode({
      width: drawn.total,
      height: drawn.height,
      data: Uint8Array.from(drawn.alpha),
      channels: 1,
      depth: 8,
    });
    return {
      px,
      height: drawn.height,
      baseline: drawn.baseline,
      chars: CHARS,
      x: drawn.x,
      width: drawn.width,
      advance: drawn.advance.map((a) => Math.round(a * 100) / 100),
      png: Buffer.from(png).toString("base64"),
    };
  } finally {
    await browser.close();
  }
}

async function main() {
  const clips = { ready: makeClips("ready"), placeholder: makeClips("placeholder") };
  const uploads = makeUploadSamples();
  const atlases = { title: await makeAtlas(22), caption: await makeAtlas(14) };
  // Declared types (not \`as const\`): the declaration file must not repeat the base64 as literal types.
  const text = `// Generated by \`npm run media\` (scripts/make-media.ts) with ffmpeg and Chromium. Do not edit.
/* biome-ignore-all format: generated */
import type { Atlas } from "./atlas.js";

/** A clip per video asset type, base64. */
export type Clips = Record<"video" | "webm" | "hevc", string>;

/** Video clips: MP4 H.264, WebM VP9 with alpha, QuickTime HEVC; the finished one and the "generating" placeholder. */
export const CLIPS: Record<"ready" | "placeholder", Clips> = ${JSON.stringify(clips, null, 2)};

/** One sample picture per upload content type (base64). */
export const UPLOAD_SAMPLES: Record<string, string> = ${JSON.stringify(uploads, null, 2)};

/** DejaVu Sans Bold at two sizes: card titles and captions. */
export const ATLASES: Record<"title" | "caption", Atlas> = ${JSON.stringify(atlases)};
`;
  writeFileSync(OUT, text);
  rmSync(work, { recursive: true, force: true });
  console.log(`wrote ${OUT} (${(text.length / 1024).toFixed(0)} KB)`);
}

await main();
