/** What a storage command prints: human-readable lines for stdout. */
export interface CommandReport {
  ok: boolean;
  lines: string[];
}
