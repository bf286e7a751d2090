import type { Config } from '../config/schema.js';
import type { Embedder } from './embedder.js';
import { HashingEmbedder } from './hashing.js';

export type { Embedder } from './embedder.js';
export { HashingEmbedder } from './hashing.js';

export function createEmbedder(config: Config['storage']['embedder']): Embedder {
  switch (config.type) {
    case 'hashing':
      return new HashingEmbedder(config.dimensions);
  }
}
