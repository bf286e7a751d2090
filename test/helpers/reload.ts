import type { Client } from '@modelcontextprotocol/client';

export { waitFor } from './wait.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChangeCounts {
  tools: number;
  resources: number;
  prompts: number;
  /** URIs of notifications/resources/updated, in order. */
  updated: string[];
}

/** Counts the list_changed and resources/updated notifications a client receives. */
export function countChanges(client: Client): ChangeCounts {
  const counts: ChangeCounts = { tools: 0, resources: 0, prompts: 0, updated: [] };
  client.setNotificationHandler('notifications/tools/list_changed', () => void (counts.tools += 1));
  client.setNotificationHandler('notifications/resources/list_changed', () => void (counts.resources += 1));
  client.setNotificationHandler('notifications/prompts/list_changed', () => void (counts.prompts += 1));
  client.setNotificationHandler('notifications/resources/updated', (notification) => void counts.updated.push(notification.params.uri));
  return counts;
}

/** Opens a 2026-07-28 subscriptions/listen stream for every list (and the given resources). */
export async function listenToEverything(client: Client, resourceSubscriptions: string[] = []): Promise<void> {
  await client.listen({ toolsListChanged: true, resourcesListChanged: true, promptsListChanged: true, ...(resourceSubscriptions.length ? { resourceSubscriptions } : {}) });
}

/** The `"msg":"reloaded"` log lines of a server's stderr, parsed. */
export function reloadLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.includes('"msg":"reloaded"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
