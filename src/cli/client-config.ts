import path from 'node:path';

/**
 * What to paste into a desktop or IDE client to reach a server. Formats as the clients document them:
 * VS Code's mcp.json has `servers` with a `type`; Cursor's mcp.json and Claude Desktop's
 * claude_desktop_config.json have `mcpServers`. Claude Desktop's file takes stdio servers only; it adds
 * remote ones under Settings > Connectors, and reaches them from the internet.
 */

/** A server name for client configs from a directory's name (also a valid npm package name). */
export const serverName = (dir: string): string =>
  path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '') || 'my-mcp-tools';

/** A command that starts the server over stdio. */
export interface StdioLaunch {
  command: string;
  args: string[];
}

const line = (where: string, config: unknown) => `  ${where}:\n    ${JSON.stringify(config)}`;

/** Snippets for a client that starts the server itself (over stdio). */
export function stdioSnippets(name: string, launch: StdioLaunch): string[] {
  return [
    line('Claude Desktop (claude_desktop_config.json) and Cursor (.cursor/mcp.json)', { mcpServers: { [name]: launch } }),
    line('VS Code (.vscode/mcp.json)', { servers: { [name]: { type: 'stdio', ...launch } } }),
  ];
}

/** Snippets for a client that connects to a running server by URL (Streamable HTTP). */
export function urlSnippets(name: string, url: string, needsKey: boolean): string[] {
  const headers = needsKey ? { headers: { Authorization: 'Bearer <API key>' } } : {};
  return [
    line('VS Code (.vscode/mcp.json)', { servers: { [name]: { type: 'http', url, ...headers } } }),
    line('Cursor (.cursor/mcp.json)', { mcpServers: { [name]: { url, ...headers } } }),
    '  Claude Desktop: Settings > Connectors > Add custom connector, for a server reachable from the internet over HTTPS;',
    '    for this one on your machine, let it start the server over stdio (below).',
  ];
}
