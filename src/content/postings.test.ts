// The postings gathered by slot, in any order, against postingsOf over the articles in
// feed order (what the index held before, and what the Worker reads): the same bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { postingsOf } from "../feed/search.js";
import { PostingsBuilder } from "./postings.js";
import { textTokens } from "./tokens.js";

const WORDS = ["ai", "énergie", "量子计算", "quantum", "a", "z9", "Ωmega", "😀", "data", "x"];

describe("PostingsBuilder", () => {
  it("writes postingsOf's JSON for any articles, slots and order of arrival", () => {
    fc.assert(
      fc.property(
        // Articles as texts, their slots (drafts leave gaps), feed order, arrival order.
        fc.array(fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }), { maxLength: 30 }).chain((texts) =>
          fc.tuple(
            fc.constant(texts),
            fc.uniqueArray(fc.nat(200), { minLength: texts.length, maxLength: texts.length }),
            fc.shuffledSubarray(
              texts.map((_, i) => i),
              { minLength: texts.length, maxLength: texts.length },
            ),
            fc.shuffledSubarray(
              texts.map((_, i) => i),
              { minLength: texts.length, maxLength: texts.length },
            ),
          ),
        ),
        ([texts, slotOf, feedOrder, arrival]) => {
          const tokens = texts.map((words) => textTokens(words.join(" ")));
          const builder = new PostingsBuilder();
          for (const i of arrival) builder.add(slotOf[i] as number, (tokens[i] as string[]).join(" "));
          const bytes = Buffer.concat(builder.json(feedOrder.map((i) => slotOf[i] as number)));
          const expected = JSON.stringify(postingsOf(feedOrder.map((i) => tokens[i] as string[])));
          expect(bytes.toString("utf8")).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
