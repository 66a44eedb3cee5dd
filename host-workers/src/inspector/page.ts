/** The inspector page's files, bundled at build time into `assets.generated.ts` (see scripts/build-inspector.mjs). */
export interface InspectorPage {
  readonly html: string;
  readonly script: string;
  readonly style: string;
  /** A hash of the three, the ETag of each: unchanged files are not sent again. */
  readonly version: string;
}
