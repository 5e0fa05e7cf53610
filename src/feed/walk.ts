// Sets of positions (indexes into the articles in feed order) that a view walks lazily:
// a keyword view intersects its words' postings and its terms' lists, drops the excluded
// words' positions and tests its predicates one position at a time, from where its page
// starts, and stops after the page. Nothing is listed in full, so a request costs its page
// (and a few searches per list), not the number of matches.

/** No position: what `atOrAfter` gives past the end. */
export const AFTER_ALL = Number.POSITIVE_INFINITY;
/** No position: what `atOrBefore` gives before the start. */
export const BEFORE_ALL = -1;

/** An ascending set of positions, walked in either direction from anywhere. */
export interface Walk {
  /** The smallest position in the set that is at least `position`, or AFTER_ALL. */
  atOrAfter(position: number): number;
  /** The largest position in the set that is at most `position`, or BEFORE_ALL. */
  atOrBefore(position: number): number;
}

/**
 * The first index of `list` (ascending) whose value is at least `value`, galloping from
 * `hint` in whichever direction the answer lies: a walk's next step is usually close to
 * its last one, so it costs a few comparisons, and a jump costs a logarithm.
 */
export function locate(list: readonly number[], value: number, hint: number): number {
  const n = list.length;
  let low: number;
  let high: number;
  if (hint < n && (list[hint] as number) < value) {
    low = hint + 1;
    high = low;
    for (let step = 1; high < n && (list[high] as number) < value; step *= 2) {
      low = high + 1;
      high += step;
    }
    high = Math.min(high, n);
  } else {
    high = Math.min(Math.max(hint, 0), n);
    low = high;
    for (let step = 1; low > 0 && (list[low - 1] as number) >= value; step *= 2) {
      high = low - 1;
      low -= step;
    }
    low = Math.max(low, 0);
  }
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A sorted list of positions (a posting list, a term's articles); remembers where it was. */
export class ListWalk implements Walk {
  private cursor = 0;

  constructor(readonly list: readonly number[]) {}

  atOrAfter(position: number): number {
    this.cursor = locate(this.list, position, this.cursor);
    return this.list[this.cursor] ?? AFTER_ALL;
  }

  atOrBefore(position: number): number {
    this.cursor = locate(this.list, position + 1, this.cursor);
    return this.cursor > 0 ? (this.list[this.cursor - 1] as number) : BEFORE_ALL;
  }
}

/** Every position in [0, size): a view with no list of its own (e.g. only `exclude`). */
export class AllWalk implements Walk {
  constructor(private readonly size: number) {}

  atOrAfter(position: number): number {
    return position < this.size ? Math.max(position, 0) : AFTER_ALL;
  }

  atOrBefore(position: number): number {
    return position >= 0 ? Math.min(position, this.size - 1) : BEFORE_ALL;
  }
}

/** The positions in every part: each part leaps to the others' candidate until all agree. */
export class IntersectionWalk implements Walk {
  constructor(private readonly parts: readonly Walk[]) {
    if (parts.length === 0) throw new Error("IntersectionWalk: no parts (an intersection of nothing is unbounded)");
  }

  atOrAfter(position: number): number {
    let candidate = position;
    for (let agreed = false; !agreed && candidate !== AFTER_ALL; ) {
      agreed = true;
      for (const part of this.parts) {
        const found = part.atOrAfter(candidate);
        if (found !== candidate) {
          candidate = found;
          agreed = false;
          if (found === AFTER_ALL) break;
        }
      }
    }
    return candidate;
  }

  atOrBefore(position: number): number {
    let candidate = position;
    for (let agreed = false; !agreed && candidate !== BEFORE_ALL; ) {
      agreed = true;
      for (const part of this.parts) {
        const found = part.atOrBefore(candidate);
        if (found !== candidate) {
          candidate = found;
          agreed = false;
          if (found === BEFORE_ALL) break;
        }
      }
    }
    return candidate;
  }
}

/** The positions of `base` that pass `keep` (a predicate filter, or "in no excluded list"). */
export class FilterWalk implements Walk {
  constructor(
    private readonly base: Walk,
    private readonly keep: (position: number) => boolean,
  ) {}

  atOrAfter(position: number): number {
    let found = this.base.atOrAfter(position);
    while (found !== AFTER_ALL && !this.keep(found)) found = this.base.atOrAfter(found + 1);
    return found;
  }

  atOrBefore(position: number): number {
    let found = this.base.atOrBefore(position);
    while (found !== BEFORE_ALL && !this.keep(found)) found = this.base.atOrBefore(found - 1);
    return found;
  }
}

/** Whether `walk` holds `position`: one seek from where it last was. */
export const holds = (walk: Walk, position: number) => walk.atOrAfter(position) === position;

/** The positions of `base` in none of `excluded`, each checked by seeking, never listed. */
export const without = (base: Walk, excluded: readonly Walk[]): Walk =>
  excluded.length === 0 ? base : new FilterWalk(base, (position) => !excluded.some((walk) => holds(walk, position)));

/** The intersection of `lists`, shortest first (it drives); every position when there are none. */
export function intersection(lists: readonly (readonly number[])[], size: number): Walk {
  if (lists.length === 0) return new AllWalk(size);
  const walks = [...lists].sort((a, b) => a.length - b.length).map((list) => new ListWalk(list));
  return walks.length === 1 ? (walks[0] as Walk) : new IntersectionWalk(walks);
}
