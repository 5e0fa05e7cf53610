// Calendar months in UTC, the unit of archive documents (RFC 5005 archived feeds).
import { utcMonth } from "../dates.js";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `2026-05` for any instant in May 2026 (UTC). */
export const monthOf = utcMonth;

/** The instants [from, to) of a `YYYY-MM` month, or undefined when it is not one. */
export function monthRange(month: string): { from: number; to: number } | undefined {
  const match = MONTH.exec(month);
  if (!match) return undefined;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { from: Date.UTC(year, index, 1), to: Date.UTC(year, index + 1, 1) };
}

/** The start of the month that holds `ms`: archives are the months before it. */
export function startOfMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The start of the month after the one that holds `ms`: when that month's archive opens. */
export function startOfNextMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
