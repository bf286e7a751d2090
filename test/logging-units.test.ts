import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { prettyDestination, prettyLine } from '../src/observability/pretty-lines.js';

const at = (hours: number, minutes: number, seconds: number, ms: number) => new Date(2026, 0, 2, hours, minutes, seconds, ms).getTime();

describe('pretty log lines (logging.format: pretty)', () => {
  it('shows time, level and message, then the other fields as key=value', () => {
    const line = JSON.stringify({ level: 30, time: at(9, 5, 7, 42), pid: 1, msg: 'listening on http://x/mcp', url: 'http://x/mcp', auth: false, tools: ['a b'] });
    assert.equal(prettyLine(line), '09:05:07.042 INFO  listening on http://x/mcp url=http://x/mcp auth=false tools=["a b"]\n');
  });

  it("quotes strings with spaces, and indents an error's stack below the line", () => {
    const line = JSON.stringify({ level: 50, time: at(23, 59, 59, 999), msg: 'tool failed', tool: 'my tool', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at run (x.mjs:1:1)' } });
    assert.equal(prettyLine(line), '23:59:59.999 ERROR tool failed (boom) tool="my tool"\n    Error: boom\n        at run (x.mjs:1:1)\n');
  });

  it('colours the level when asked, and passes a line that is not JSON through', () => {
    const esc = String.fromCharCode(27);
    assert.ok(prettyLine(JSON.stringify({ level: 40, time: 0, msg: 'careful' }), true).includes(`${esc}[33mWARN ${esc}[0m careful`));
    assert.equal(prettyLine('not json'), 'not json\n');
  });

  it('turns what pino writes into one pretty line each, redaction included', () => {
    const written: string[] = [];
    const log = pino({ level: 'debug', redact: { paths: ['apiKey'], censor: '[redacted]' } }, prettyDestination({ write: (text: string) => void written.push(text) }, false));
    log.debug({ apiKey: 'secret-secret-secret', n: 2 }, 'hello');
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^\d\d:\d\d:\d\d\.\d{3} DEBUG hello apiKey=\[redacted\] n=2\n$/);
  });
});
