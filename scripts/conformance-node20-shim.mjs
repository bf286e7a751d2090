// Node 20 lacks fs.globSync, which @modelcontextprotocol/conformance >= 0.1.14 imports (it only
// globs `**/<file name>` under a results directory). The builtin's ESM facade takes its export
// names from the CommonJS object the first time `fs` is imported, so patch that object first.
import path from 'node:path';

const fs = process.getBuiltinModule('node:fs');

if (typeof fs.globSync !== 'function') {
  fs.globSync = function globSync(pattern, options = {}) {
    const cwd = options.cwd ?? process.cwd();
    const fileName = String(pattern).replace(/^\*\*\//, '');
    if (/[*?[\]{}]/.test(fileName)) throw new Error(`globSync shim: unsupported pattern ${pattern}`);
    const found = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(path.join(cwd, dir), { withFileTypes: true })) {
        const relative = dir ? path.join(dir, entry.name) : entry.name;
        if (entry.isDirectory()) walk(relative);
        else if (entry.name === fileName) found.push(relative);
      }
    };
    if (fs.existsSync(cwd)) walk('');
    return found;
  };
}
