/** Built-in time tools: the current time in a zone, and converting a time between zones. */
import type { ModuleKit } from 'mcp-server/module';

const ZONE_HELP = 'IANA time zone name, e.g. "UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo".';

function assertZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new Error(`Unknown time zone "${zone}". Use an ${ZONE_HELP}`);
  }
}

/** Wall-clock parts of an instant in a zone. */
function partsIn(instant: number, zone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'long',
    })
      .formatToParts(new Date(instant))
      .map((part): [string, string] => [part.type, part.value]),
  );
  return parts;
}

/** The zone's offset from UTC at an instant, in minutes. */
function offsetMinutes(instant: number, zone: string): number {
  const p = partsIn(instant, zone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function describeInstant(instant: number, zone: string) {
  const p = partsIn(instant, zone);
  const offset = offsetMinutes(instant, zone);
  return {
    timezone: zone,
    local: `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${formatOffset(offset)}`,
    weekday: p.weekday ?? '',
    utcOffset: formatOffset(offset),
    utc: new Date(instant).toISOString(),
    unix: Math.floor(instant / 1000),
  };
}

const LOCAL_TIME = /^(?:(\d{4})-(\d{2})-(\d{2})[T ])?(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** A wall-clock time in `zone` (date optional: today in that zone) as an instant. */
function parseLocal(text: string, zone: string, now: number): number {
  const explicit = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? Date.parse(text) : NaN;
  if (!Number.isNaN(explicit)) return explicit;
  const match = LOCAL_TIME.exec(text.trim());
  if (!match) throw new Error(`Cannot read time "${text}". Use "HH:MM", "YYYY-MM-DD HH:MM" or an ISO 8601 timestamp.`);
  const today = partsIn(now, zone);
  const [year, month, day] = match[1] ? [match[1], match[2], match[3]] : [today.year, today.month, today.day];
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`"${text}" is not a valid time of day.`);
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), hour, minute, second);
  // the offset depends on the instant we are looking for; two passes settle it across DST changes
  let instant = wall - offsetMinutes(wall, zone) * 60_000;
  instant = wall - offsetMinutes(instant, zone) * 60_000;
  return instant;
}

export default ({ z, defineTool }: ModuleKit) => {
  const moment = {
    timezone: z.string(),
    local: z.string().describe('Local date and time with UTC offset (ISO 8601).'),
    weekday: z.string(),
    utcOffset: z.string(),
    utc: z.string(),
    unix: z.number().int(),
  };
  return [
    defineTool({
      name: 'time_now',
      title: 'Current time',
      description: 'The current date and time in an IANA time zone (default UTC), with weekday and UTC offset.',
      input: { timezone: z.string().default('UTC').describe(ZONE_HELP) },
      output: moment,
      annotations: { readOnlyHint: true, openWorldHint: false },
      run({ timezone }) {
        return describeInstant(Date.now(), assertZone(timezone));
      },
    }),
    defineTool({
      name: 'time_convert',
      title: 'Convert time between zones',
      description:
        'Convert a wall-clock time from one IANA time zone to another, accounting for daylight saving time. The time may be "HH:MM" (today in the source zone), "YYYY-MM-DD HH:MM", or an ISO 8601 timestamp with offset.',
      input: {
        time: z.string().min(1).describe('"14:30", "2026-03-29 01:30" or "2026-03-29T01:30:00Z".'),
        from_timezone: z.string().describe(`Zone the time is given in. ${ZONE_HELP}`),
        to_timezone: z.string().describe(`Zone to convert to. ${ZONE_HELP}`),
      },
      output: { source: z.object(moment), target: z.object(moment), differenceHours: z.number() },
      annotations: { readOnlyHint: true },
      run(args) {
        const from = assertZone(args.from_timezone);
        const to = assertZone(args.to_timezone);
        const instant = parseLocal(args.time, from, Date.now());
        if (Number.isNaN(instant)) throw new Error(`Cannot read time "${args.time}".`);
        return {
          source: describeInstant(instant, from),
          target: describeInstant(instant, to),
          differenceHours: (offsetMinutes(instant, to) - offsetMinutes(instant, from)) / 60,
        };
      },
    }),
  ];
};
