// The subscriber rows in D1 (migrations/0100_stats.sql): one write per counted event, the
// reads behind /stats, and the cron's compaction and retention.

import { dayOf, type HostedRow, type IndividualRow, WINDOW_DAYS } from "./figures.js";
import { statsSettings } from "./settings.js";

/** Daily rows are kept this long, then pruned by the cron. */
export const RETENTION_DAYS = 400;
/** Client ids stay until their window has been over for this many days (late writes land first). */
const GRACE_DAYS = 1;

export interface HostedReport {
  day: number;
  path: string;
  service: string;
  feedId: string;
  subscribers: number;
}

/** The last report of the day wins: the 7-day figure takes each feed id's latest number. */
export function writeHosted(db: D1Database, report: HostedReport): Promise<unknown> {
  return db
    .prepare(
      `INSERT INTO stats_hosted (day, path, service, feed_id, subscribers) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (day, path, service, feed_id) DO UPDATE SET subscribers = excluded.subscribers`,
    )
    .bind(report.day, report.path, report.service, report.feedId, report.subscribers)
    .run();
}

/** One client of one feed, in each of the 7 windows that contain `day` (ids[i] for the window ending on day + i). */
export function writeClient(
  db: D1Database,
  client: { day: number; path: string; service: string; ids: readonly string[] },
): Promise<unknown> {
  const values = client.ids.map(() => "(?, ?, ?, ?)").join(", ");
  const params = client.ids.flatMap((id, i) => [client.day + i, client.path, client.service, id]);
  return db
    .prepare(`INSERT OR IGNORE INTO stats_clients (window_end, path, service, client) VALUES ${values}`)
    .bind(...params)
    .run();
}

/** The rows behind the figures of the `days` days ending on `today` (hosted rows from 6 days earlier). */
export async function readRows(db: D1Database, today: number, days: number) {
  const first = today - days + 1;
  const [hosted, folded, open] = await db.batch([
    db
      .prepare("SELECT day, path, service, feed_id, subscribers FROM stats_hosted WHERE day BETWEEN ? AND ?")
      .bind(first - WINDOW_DAYS + 1, today),
    db.prepare("SELECT day, path, service, clients FROM stats_individual WHERE day BETWEEN ? AND ?").bind(first, today),
    // Windows not folded yet: counted from their client ids.
    db
      .prepare(
        `SELECT window_end AS day, path, service, COUNT(*) AS clients FROM stats_clients
         WHERE window_end BETWEEN ? AND ? GROUP BY window_end, path, service`,
      )
      .bind(first, today),
  ]);
  const foldedRows = (folded?.results ?? []) as unknown as IndividualRow[];
  const foldedDays = new Set(foldedRows.map((row) => `${row.day} ${row.path} ${row.service}`));
  const openRows = ((open?.results ?? []) as unknown as IndividualRow[]).filter(
    (row) => !foldedDays.has(`${row.day} ${row.path} ${row.service}`),
  );
  return {
    hosted: (hosted?.results ?? []) as unknown as HostedRow[],
    individual: [...foldedRows, ...openRows],
  };
}

/**
 * For the cron: windows that are over become counts and their client ids are deleted, so
 * no id outlives its week by more than a day; rows older than the retention go.
 */
export async function compact(db: D1Database, now: number): Promise<void> {
  const today = dayOf(now);
  const closed = today - GRACE_DAYS;
  const expired = today - RETENTION_DAYS;
  await db.batch([
    db
      .prepare(
        `INSERT INTO stats_individual (day, path, service, clients)
         SELECT window_end, path, service, COUNT(*) FROM stats_clients WHERE window_end < ?
         GROUP BY window_end, path, service
         ON CONFLICT (day, path, service) DO UPDATE SET clients = max(clients, excluded.clients)`,
      )
      .bind(closed),
    db.prepare("DELETE FROM stats_clients WHERE window_end < ?").bind(closed),
    db.prepare("DELETE FROM stats_hosted WHERE day < ?").bind(expired),
    db.prepare("DELETE FROM stats_individual WHERE day < ?").bind(expired),
  ]);
}

/** The cron's part: compaction and retention when counting is on; nothing otherwise. */
export async function statsCron(env: object, now: number): Promise<void> {
  const settings = statsSettings(env);
  if (settings.state !== "on") return;
  await compact(settings.db, now).catch((error: unknown) => console.error("subscriber stats not compacted", error));
}
