// Every date the service writes, formatted in one place: RFC 3339 instants (feeds, JSON),
// HTTP-dates (headers, RSS, OPML) and UTC days and months (pages, archives, stats).
// Inputs are epoch milliseconds; records are bounded to the years 1970-9999 by the schema.

/** RFC 3339 in UTC at second precision, `2026-05-02T09:15:00Z`: the form every feed prints. */
export const rfc3339 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * An HTTP-date in its preferred form, IMF-fixdate (RFC 9110 §5.6.7), `Sat, 02 May 2026
 * 09:15:00 GMT`. It is also a valid RFC 822 date (with a four-digit year), as RSS 2.0 asks.
 */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** The UTC calendar day, `2026-05-02`. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The UTC calendar month, `2026-05`: what names an archive. */
export const utcMonth = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
