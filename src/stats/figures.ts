// The figures FeedPress publishes, from the daily rows: per feed and service, the
// subscribers of the 7 days ending on a day. Hosted readers count by the last number each
// of their feed ids reported in those days; individual readers by distinct clients. Pure.
import { utcDay } from "../dates.js";

export const WINDOW_DAYS = 7;
export const DAY_MS = 86_400_000;

/** Whole UTC days since 1970-01-01. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const isoDay = (day: number) => utcDay(day * DAY_MS);

export interface HostedRow {
  day: number;
  path: string;
  service: string;
  feed_id: string;
  subscribers: number;
}

/** Distinct individual clients in the 7 days ending on `day`. */
export interface IndividualRow {
  day: number;
  path: string;
  service: string;
  clients: number;
}

export interface ServiceFigure {
  service: string;
  kind: "hosted" | "individual";
  subscribers: number;
}

export interface DayFigure {
  day: number;
  hosted: number;
  individual: number;
}

export interface FeedFigures {
  path: string;
  /** On the last day, by service, most subscribers first. */
  services: ServiceFigure[];
  total: number;
  /** One entry per day, oldest first, ending on the last day. */
  history: DayFigure[];
}

/** Per hosted service, the sum over its feed ids of the last number reported in the window ending on `day`. */
function hostedOn(rows: readonly HostedRow[], day: number): Map<string, number> {
  const latest = new Map<string, HostedRow>();
  for (const row of rows) {
    if (row.day > day || row.day <= day - WINDOW_DAYS) continue;
    const id = JSON.stringify([row.service, row.feed_id]);
    const seen = latest.get(id);
    if (!seen || row.day > seen.day) latest.set(id, row);
  }
  const sums = new Map<string, number>();
  for (const row of latest.values()) sums.set(row.service, (sums.get(row.service) ?? 0) + row.subscribers);
  return sums;
}

function individualOn(rows: readonly IndividualRow[], day: number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) if (row.day === day) sums.set(row.service, (sums.get(row.service) ?? 0) + row.clients);
  return sums;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

function group<T extends { path: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const rowsOfPath = groups.get(row.path);
    if (rowsOfPath) rowsOfPath.push(row);
    else groups.set(row.path, [row]);
  }
  return groups;
}

/** Every feed with rows in the period, its services on `today`, and `days` days of totals; biggest first. */
export function feedFigures(
  hosted: readonly HostedRow[],
  individual: readonly IndividualRow[],
  today: number,
  days: number,
): FeedFigures[] {
  const hostedByPath = group(hosted);
  const individualByPath = group(individual);
  const paths = new Set([...hostedByPath.keys(), ...individualByPath.keys()]);
  const feeds = [...paths].map((path): FeedFigures => {
    const h = hostedByPath.get(path) ?? [];
    const i = individualByPath.get(path) ?? [];
    const services: ServiceFigure[] = [
      ...[...hostedOn(h, today)].map(([service, subscribers]) => ({ service, kind: "hosted" as const, subscribers })),
      ...[...individualOn(i, today)].map(([service, subscribers]) => ({
        service,
        kind: "individual" as const,
        subscribers,
      })),
    ].sort((a, b) => b.subscribers - a.subscribers || a.service.localeCompare(b.service));
    const history = Array.from({ length: days }, (_, n) => {
      const day = today - days + 1 + n;
      return { day, hosted: sum(hostedOn(h, day).values()), individual: sum(individualOn(i, day).values()) };
    });
    return { path, services, total: sum(services.map((s) => s.subscribers)), history };
  });
  return feeds.sort((a, b) => b.total - a.total || a.path.localeCompare(b.path));
}
