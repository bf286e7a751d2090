import type { Embedder } from './embedder.js';

/** 32-bit FNV-1a over UTF-16 code units: fixed, so vectors are identical across processes and releases. */
function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Feature hashing of lowercased word unigrams and character trigrams, with a second hash choosing the
 * sign so that collisions cancel out on average; the result is L2-normalized. Needs no model download.
 */
export class HashingEmbedder implements Embedder {
  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError('dimensions must be a positive integer');
  }

  embed(text: string): number[] {
    const vector = new Float64Array(this.dimensions);
    const add = (feature: string, weight: number) => {
      const index = fnv1a(feature, 0) % this.dimensions;
      vector[index]! += (fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1) * weight;
    };
    const words =
      text
        .toLowerCase()
        .normalize('NFKC')
        .match(/[\p{L}\p{N}_]+/gu) ?? [];
    for (const word of words) {
      add(`w:${word}`, 1);
      const padded = ` ${word} `;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.5);
    }
    let norm = 0;
    for (const x of vector) norm += x * x;
    norm = Math.sqrt(norm);
    return Array.from(vector, (x) => (norm === 0 ? 0 : x / norm));
  }
}
