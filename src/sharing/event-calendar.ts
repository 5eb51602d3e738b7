import ical, { ICalEventStatus } from 'ical-generator';

/** What a calendar entry needs of a Space (the domain record plus its host and page URL). */
export interface CalendarSpace {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly state: 'scheduled' | 'live' | 'ended' | 'cancelled';
  readonly scheduledStart: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly createdAt: string;
  readonly hostName: string;
  readonly url: string;
}

/** An audio conversation has no planned end: calendars get an hour unless it already ended. */
const DEFAULT_LENGTH_MS = 3_600_000;

/**
 * iCalendar (RFC 5545) through ical-generator. Instants are written in UTC (DTSTART:…Z), which names
 * the instant exactly without a VTIMEZONE; the host's zone is carried as X-WR-TIMEZONE so calendar
 * apps that show the organiser's zone use it, and every app shows the event in its viewer's zone.
 */
export function renderCalendar(spaces: readonly CalendarSpace[], opts: { name: string; host: string; timeZone?: string | null; refreshMinutes?: number }): string {
  const calendar = ical({
    name: opts.name,
    prodId: { company: 'Tribune', product: 'Tribune', language: 'EN' },
    ...(opts.timeZone ? { timezone: null } : {}),
    ...(opts.refreshMinutes ? { ttl: opts.refreshMinutes * 60 } : {}),
  });
  if (opts.timeZone) calendar.x([['X-WR-TIMEZONE', opts.timeZone]]);
  for (const space of spaces) {
    const start = Date.parse(space.scheduledStart ?? space.startedAt ?? space.createdAt);
    const end = space.endedAt ? Math.max(Date.parse(space.endedAt), start + 60_000) : start + DEFAULT_LENGTH_MS;
    calendar.createEvent({
      id: `${space.id}@${opts.host}`,
      start: new Date(start),
      end: new Date(end),
      summary: space.title,
      description: [space.description.trim(), `${space.hostName} — ${space.url}`].filter(Boolean).join('\n\n'),
      url: space.url,
      status: space.state === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
