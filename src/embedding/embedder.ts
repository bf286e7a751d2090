/** Turns text into a fixed-length vector for storage search by meaning. */
export interface Embedder {
  readonly dimensions: number;
  embed(text: string): number[];
}
