/** A glyph atlas: a grey-scale PNG (base64) of `chars`, with each glyph's x, cell width and advance in pixels. */
export interface Atlas {
  readonly px: number;
  readonly height: number;
  readonly baseline: number;
  readonly chars: string;
  readonly x: readonly number[];
  readonly width: readonly number[];
  readonly advance: readonly number[];
  readonly png: string;
}
