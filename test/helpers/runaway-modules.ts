/**
 * Modules that misbehave in every way a worker must contain (a synchronous endless loop, a heap
 * bomb, process.exit, a stray error after answering), and a well-behaved one that says where it ran.
 */
export const RUNAWAY_MODULES: Record<string, string> = {
  'spin.mjs': `export default [
  { name: 'spin', description: 'Loops forever, synchronously.', timeoutSeconds: 1, run() { for (;;) {} } },
  { name: 'spin_long', description: 'Loops forever, synchronously, with a long timeout.', timeoutSeconds: 600, run() { for (;;) {} } },
];`,
  'bomb.mjs': `export default { name: 'bomb', description: 'Allocates until the heap is gone.', run() { const hoard = []; for (;;) hoard.push(new Array(100000).fill({ x: 1 })); } };`,
  'quit.mjs': `export default { name: 'quit', description: 'Ends its process.', run() { process.exit(3); } };`,
  'stray.mjs': `export default { name: 'stray', description: 'Answers, then throws from a timer.', run() { setTimeout(() => { throw new Error('stray after answering'); }, 10); return 'answered'; } };`,
  'echo.mjs': `import { isMainThread } from 'node:worker_threads';
export default {
  name: 'echo',
  description: 'Echoes its text and says where it ran.',
  input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  run: ({ text }) => text + (isMainThread ? ' (main thread)' : ' (worker)'),
};`,
};

/** Worker settings small enough for the heap bomb to hit its limit quickly. */
export const SMALL_WORKERS = `  workers:
    size: 2
    resourceLimits:
      maxOldGenerationSizeMb: 64
`;
