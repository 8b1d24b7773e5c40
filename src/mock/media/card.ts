/**
 * The PNG an image asset serves: a 256×256 card with a coloured disc (the "mascot"), the item's name and the
 * collection's name, drawn from the DejaVu Sans glyph atlases made by `npm run media` and encoded with fast-png.
 * Deterministic: the same text and seed (the item) give the same bytes; an item's two images share their colours. Transparent cards have an alpha channel (only the disc
 * and the text are opaque); placeholder cards are grey and say "generating…". Runs in Node and in browsers.
 */
import { decode, encode } from "fast-png";
import { fromBase64 } from "../primitives/platform.js";
import type { Atlas } from "./atlas.js";
import { ATLASES } from "./samples.generated.js";

const CARD_SIZE = 256;

/** What one card shows. */
export interface CardSpec {
  title: string;
  caption: string;
  /** Transparent background (a `transparent_image`). */
  transparent: boolean;
  /** The grey "generating…" placeholder of a pending asset. */
  placeholder: boolean;
  /** Picks the colours (the asset's id). */
  seed: string;
}

interface Font {
  readonly data: Atlas;
  readonly alpha: Uint8Array;
  readonly width: number;
  readonly index: Map<string, number>;
}
const fonts = new Map<Atlas, Font>();

/** An atlas decoded once. */
function fontOf(data: Atlas): Font {
  let font = fonts.get(data);
  if (!font) {
    const png = decode(fromBase64(data.png));
    font = {
      data,
      alpha: png.data as Uint8Array,
      width: png.width,
      index: new Map([...data.chars].map((c, i) => [c, i])),
    };
    fonts.set(data, font);
  }
  return font;
}

type Rgb = readonly [number, number, number];

/** A colour from a hue (degrees) at fixed saturation and lightness. */
function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** FNV-1a of a string: a stable hue per asset. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** An RGBA canvas with "over" compositing of one colour at a coverage. */
class Canvas {
  readonly data = new Uint8Array(CARD_SIZE * CARD_SIZE * 4);

  fill([r, g, b]: Rgb, alpha: number): void {
    const d = this.data;
    d[0] = r;
    d[1] = g;
    d[2] = b;
    d[3] = alpha;
    // Doubling copies: log2(pixels) copies instead of one write per pixel.
    for (let filled = 4; filled < d.length; filled *= 2)
      d.copyWithin(filled, 0, Math.min(filled, d.length - filled));
  }

  /** Paints `colour` over pixel (x, y) at `coverage` (0–255). */
  blend(x: number, y: number, [r, g, b]: Rgb, coverage: number): void {
    if (coverage <= 0 || x < 0 || y < 0 || x >= CARD_SIZE || y >= CARD_SIZE) return;
    const d = this.data;
    const i = (y * CARD_SIZE + x) * 4;
    const a = coverage / 255;
    const below = ((d[i + 3] as number) / 255) * (1 - a);
    const outA = a + below;
    d[i] = Math.round((r * a + (d[i] as number) * below) / outA);
    d[i + 1] = Math.round((g * a + (d[i + 1] as number) * below) / outA);
    d[i + 2] = Math.round((b * a + (d[i + 2] as number) * below) / outA);
    d[i + 3] = Math.round(outA * 255);
  }

  /** A disc with an anti-aliased edge. */
  disc(cx: number, cy: number, radius: number, colour: Rgb): void {
    for (let y = Math.floor(cy - radius - 1); y <= cy + radius + 1; y++) {
      for (let x = Math.floor(cx - radius - 1); x <= cx + radius + 1; x++) {
        const edge = radius - Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        this.blend(x, y, colour, Math.round(255 * Math.max(0, Math.min(1, edge + 0.5))));
      }
    }
  }

  /** `text` centred on `cx` with its top at `top`, cut with "…" to fit `maxWidth`. */
  text(font: Font, text: string, cx: number, top: number, maxWidth: number, colour: Rgb): void {
    const glyphs = glyphsFitting(font, text, maxWidth);
    let pen = Math.round(cx - width(font, glyphs) / 2);
    const { x, width: cell, advance, height } = font.data;
    for (const g of glyphs) {
      const gx = x[g] as number;
      for (let y = 0; y < height; y++) {
        for (let dx = 0; dx < (cell[g] as number); dx++) {
          this.blend(pen + dx - 1, top + y, colour, font.alpha[y * font.width + gx + dx] as number);
        }
      }
      pen += Math.round(advance[g] as number);
    }
  }
}

const width = (font: Font, glyphs: number[]) =>
  glyphs.reduce((sum, g) => sum + Math.round(font.data.advance[g] as number), 0);

/** The glyph indexes of `text` (unknown characters as "?"), cut with "…" until they fit `maxWidth`. */
function glyphsFitting(font: Font, text: string, maxWidth: number): number[] {
  const question = font.index.get("?") as number;
  const glyphs = [...text].map((c) => font.index.get(c) ?? question);
  if (width(font, glyphs) <= maxWidth) return glyphs;
  const ellipsis = font.index.get("…") as number;
  while (glyphs.length > 0 && width(font, [...glyphs, ellipsis]) > maxWidth) glyphs.pop();
  return [...glyphs, ellipsis];
}

/** The card as PNG bytes. */
export function drawCard(spec: CardSpec): Uint8Array {
  const canvas = new Canvas();
  const hue = hash(spec.seed) % 360;
  const ink: Rgb = [31, 41, 55];
  if (spec.placeholder) canvas.fill([229, 231, 235], spec.transparent ? 0 : 255);
  else canvas.fill(hsl(hue, 0.7, 0.9), spec.transparent ? 0 : 255);
  canvas.disc(128, 92, 58, spec.placeholder ? [156, 163, 175] : hsl(hue, 0.75, 0.55));
  const title = fontOf(ATLASES.title);
  const caption = fontOf(ATLASES.caption);
  canvas.text(title, spec.title, 128, 162, 232, ink);
  canvas.text(caption, spec.caption, 128, 194, 232, [75, 85, 99]);
  canvas.text(caption, spec.placeholder ? "generating…" : "masko simulator", 128, 222, 232, [107, 114, 128]);
  if (spec.transparent)
    return encode({ width: CARD_SIZE, height: CARD_SIZE, data: canvas.data, channels: 4 });
  // An opaque card is written without an alpha channel (RGB), as a photo-like PNG is.
  const rgb = new Uint8Array(CARD_SIZE * CARD_SIZE * 3);
  const rgba = canvas.data;
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    rgb[q] = rgba[p] as number;
    rgb[q + 1] = rgba[p + 1] as number;
    rgb[q + 2] = rgba[p + 2] as number;
  }
  return encode({ width: CARD_SIZE, height: CARD_SIZE, data: rgb, channels: 3 });
}
