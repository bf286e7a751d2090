import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/modules/', import.meta.url);

/** The source of a module fixture (test/fixtures/modules/NAME), for a test to write into a tools directory. */
export function moduleFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/**
 * A one-line tool module that answers `answer`: reload tests write versions of it (a new answer is a
 * new definition). Names and answers are plain words: they are not escaped.
 */
export const answeringTool = (name: string, answer: string = name, description = `Answers ${answer}.`): string =>
  `export default { name: '${name}', description: '${description}', run: () => '${answer}' };\n`;
