/** `${NAME}`: replaced by the environment variable NAME (in args, env, url and headers of an upstream). */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Env = Readonly<Record<string, string | undefined>>;

/** Variables `text` refers to that are not set (an empty variable counts as set). */
export function missingVariables(text: string, env: Env): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => match[1]!).filter((name) => env[name] === undefined);
}

export class MissingVariableError extends Error {}

/** `text` with every `${NAME}` replaced; throws naming the variables that are not set. */
export function expandEnv(text: string, env: Env, where: string): string {
  const missing = missingVariables(text, env);
  if (missing.length > 0) throw new MissingVariableError(`${where} uses ${missing.map((name) => `\${${name}}`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set`);
  return text.replace(REFERENCE, (_match, name: string) => env[name]!);
}

/** Every value of a record, expanded. */
export function expandValues(record: Readonly<Record<string, string>>, env: Env, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expandEnv(value, env, `${where}.${key}`)]));
}
