import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../version.js';
import { serverName, stdioSnippets } from './client-config.js';

const TEMPLATE_DIR = path.join(packageRoot, 'templates', 'init');
/** Files a fresh repository often has already: kept as they are rather than refusing the directory. */
const KEPT_IF_PRESENT = new Set(['README.md', '.gitignore']);

/** Written from code rather than copied: they depend on where the directory is (npm also drops a packed .gitignore). */
function generatedFiles(target: string): Record<string, string> {
  const packageJson = {
    name: serverName(target),
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { start: 'mcp-server', dev: 'mcp-server dev', test: 'node --test' },
    devDependencies: { 'mcp-server': `file:${path.relative(target, packageRoot).split(path.sep).join('/') || '.'}` },
  };
  return { 'package.json': `${JSON.stringify(packageJson, null, 2)}\n`, '.gitignore': 'node_modules/\n.data/\n' };
}

/**
 * `mcp-server init [dir]`: writes a starter tools directory (a tool, a resource, a prompt, a test,
 * config.yaml, package.json, tsconfig.json) that serves and passes its test at once. Refuses to
 * overwrite anything. Links this mcp-server into the directory's node_modules when it cannot be
 * resolved from there, as `npm install` of the written `file:` dependency would.
 */
export async function init(dir: string, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const target = path.resolve(dir);
  const templates = (await readdir(TEMPLATE_DIR)).sort();
  const generated = generatedFiles(target);
  const present = (name: string) => existsSync(path.join(target, name));
  const clashes = [...templates, ...Object.keys(generated)].filter((name) => present(name) && !KEPT_IF_PRESENT.has(name));
  if (clashes.length > 0) {
    process.stderr.write(`mcp-server: init: ${target} already has ${clashes.join(', ')}; nothing was written (choose an empty or new directory)\n`);
    return 1;
  }
  const kept = [...KEPT_IF_PRESENT].filter(present);
  await mkdir(target, { recursive: true });
  for (const name of templates) if (!kept.includes(name)) await copyFile(path.join(TEMPLATE_DIR, name), path.join(target, name));
  for (const [name, text] of Object.entries(generated)) if (!kept.includes(name)) await writeFile(path.join(target, name), text);
  const linked = await linkPackage(target);
  out(nextSteps(target, dir, linked, kept));
  return 0;
}

/** node_modules/mcp-server (and its .bin entry) pointing at this installation, unless one is there already. */
async function linkPackage(target: string): Promise<boolean> {
  const modules = path.join(target, 'node_modules');
  if (existsSync(path.join(modules, 'mcp-server'))) return false;
  await mkdir(path.join(modules, '.bin'), { recursive: true });
  await symlink(packageRoot, path.join(modules, 'mcp-server'), 'junction');
  if (process.platform !== 'win32') await symlink(path.join('..', 'mcp-server', 'bin', 'mcp-server'), path.join(modules, '.bin', 'mcp-server'));
  return true;
}

function nextSteps(target: string, typed: string, linked: boolean, kept: string[]): string {
  const binary = path.join(target, 'node_modules', 'mcp-server', 'bin', 'mcp-server');
  return [
    `Wrote a starter tools directory in ${target}`,
    ...(kept.length > 0 ? [`(kept the existing ${kept.join(' and ')})`] : []),
    ...(linked ? [`(node_modules/mcp-server links to ${packageRoot})`] : []),
    '',
    `  cd ${typed}`,
    '  npm test        # the modules served in-process, called through an MCP client',
    '  npm run dev     # serve them on http://127.0.0.1:8000/mcp, reloading on every change (mcp-server dev)',
    '  npm start       # serve them over stdio',
    '',
    'A client that starts the server itself (over stdio):',
    ...stdioSnippets(serverName(target), { command: 'node', args: [binary, '--config', path.join(target, 'config.yaml')] }),
    '',
  ].join('\n');
}
