// Child process for the crash test: writes documents in a loop, printing each id once put resolved.
import { silentLogger } from '../../src/observability/logger.js';
import { openStorage } from '../../src/storage/open.js';
import { storageConfig } from './storage-temp.js';
import type { EngineName } from '../../src/storage/types.js';

const [engine, dataDir] = process.argv.slice(2) as [EngineName, string];
const storage = await openStorage(storageConfig(engine, dataDir), silentLogger);
const col = storage.collection('crash');
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const id = `doc-${String(i).padStart(6, '0')}`;
  await Promise.all([col.put(id, { i, text: 'x'.repeat(100) }, { vector: [i % 7, 1, 2] }), col.put(`${id}-b`, { i })]);
  process.stdout.write(`${id}\n${id}-b\n`);
}
