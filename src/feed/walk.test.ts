import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AFTER_ALL, BEFORE_ALL, FilterWalk, intersection, ListWalk, locate, type Walk, without } from "./walk.js";

/** The definitions, over a plain array of the set's members. */
const atOrAfter = (members: number[], p: number) => members.filter((x) => x >= p).sort((a, b) => a - b)[0] ?? AFTER_ALL;
const atOrBefore = (members: number[], p: number) =>
  members.filter((x) => x <= p).sort((a, b) => b - a)[0] ?? BEFORE_ALL;

const SIZE = 60;
const sorted = fc
  .uniqueArray(fc.integer({ min: 0, max: SIZE - 1 }), { maxLength: 40 })
  .map((a) => a.sort((x, y) => x - y));

describe("locate", () => {
  it.each([
    [[], 5, 0, 0],
    [[1, 3, 5], 0, 2, 0],
    [[1, 3, 5], 3, 0, 1],
    [[1, 3, 5], 4, 3, 2],
    [[1, 3, 5], 6, 1, 3],
    [[1, 3, 5], 1, 3, 0],
  ])("in %j, %d from hint %d is at %d", (list, value, hint, expected) => {
    expect(locate(list, value, hint)).toBe(expected);
  });

  it("finds the first index at or above the value from any hint", () => {
    fc.assert(
      fc.property(sorted, fc.integer({ min: -2, max: SIZE + 2 }), fc.nat(45), (list, value, hint) => {
        const expected = list.findIndex((x) => x >= value);
        expect(locate(list, value, hint)).toBe(expected === -1 ? list.length : expected);
      }),
    );
  });
});

describe("walks", () => {
  /** Walks in random directions from random places: each step must match the definitions. */
  const steps = fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -2, max: SIZE + 2 })), { maxLength: 30 });

  function agrees(walk: Walk, members: number[], moves: [boolean, number][]) {
    for (const [forward, p] of moves) {
      if (forward) expect(walk.atOrAfter(p), `atOrAfter(${p})`).toBe(atOrAfter(members, p));
      else expect(walk.atOrBefore(p), `atOrBefore(${p})`).toBe(atOrBefore(members, p));
    }
  }

  it("a list walks its members", () => {
    fc.assert(fc.property(sorted, steps, (list, moves) => agrees(new ListWalk(list), list, moves)));
  });

  it("an intersection walks the members of every list; none is every position", () => {
    fc.assert(
      fc.property(fc.array(sorted, { maxLength: 4 }), steps, (lists, moves) => {
        const all = Array.from({ length: SIZE }, (_, i) => i);
        const members = all.filter((x) => lists.every((list) => list.includes(x)));
        agrees(intersection(lists, SIZE), members, moves);
      }),
    );
  });

  it("a filter keeps the members that pass; `without` drops those in any excluded walk", () => {
    fc.assert(
      fc.property(sorted, fc.array(sorted, { maxLength: 3 }), steps, (list, excluded, moves) => {
        const even = (x: number) => x % 2 === 0;
        agrees(new FilterWalk(new ListWalk(list), even), list.filter(even), moves);
        const kept = list.filter((x) => !excluded.some((other) => other.includes(x)));
        agrees(
          without(
            new ListWalk(list),
            excluded.map((other) => new ListWalk(other)),
          ),
          kept,
          moves,
        );
      }),
    );
  });

  it("walks a page forward and the page before it backward", () => {
    const walk = intersection(
      [
        [0, 2, 4, 6, 8, 10, 12],
        [1, 2, 3, 4, 8, 9, 10, 12],
      ],
      13,
    );
    const forward: number[] = [];
    for (let p = walk.atOrAfter(3); p !== AFTER_ALL; p = walk.atOrAfter(p + 1)) forward.push(p);
    expect(forward).toEqual([4, 8, 10, 12]);
    const backward: number[] = [];
    for (let p = walk.atOrBefore(9); p !== BEFORE_ALL; p = walk.atOrBefore(p - 1)) backward.push(p);
    expect(backward).toEqual([8, 4, 2]);
  });
});
