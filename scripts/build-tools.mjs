// Compiles the built-in modules (tools/*.ts) to dist/tools/*.js at build time, so a server serving
// only built-ins never loads the TypeScript compiler (tsx) at start-up. Each file is transpiled on
// its own (type-only imports vanish); the server prefers dist/tools when it exists.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const source = path.join(root, 'tools');
const target = path.join(root, 'dist', 'tools');

async function* moduleFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* moduleFiles(full);
    else if (/\.m?ts$/.test(entry.name) && !/\.d\.m?ts$/.test(entry.name)) yield full;
  }
}

await rm(target, { recursive: true, force: true });
let count = 0;
for await (const file of moduleFiles(source)) {
  const { outputText, diagnostics } = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  if (diagnostics?.length) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')}`);
  const out = path.join(target, path.relative(source, file)).replace(/\.(m?)ts$/, '.$1js');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, outputText);
  count += 1;
}
process.stdout.write(`built-in modules: ${count} compiled to ${path.relative(root, target)}/\n`);
