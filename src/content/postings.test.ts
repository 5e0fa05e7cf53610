// The postings gathered by slot, in any order, against postingsOf over the articles in
// feed order (what the index held before, and what the Worker reads): the same bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { postingsOf } from "../feed/search.js";
import { PostingsBuilder, patchPostings, postingsJson } from "./postings.js";
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
          const bytes = Buffer.concat(postingsJson(builder.inFeedOrder(feedOrder.map((i) => slotOf[i] as number))));
          const expected = JSON.stringify(postingsOf(feedOrder.map((i) => tokens[i] as string[])));
          expect(bytes.toString("utf8")).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("patchPostings", () => {
  it("brings any build's lists to any other's, as postingsOf over the new articles writes them", () => {
    // Two builds of a folder: articles by id with their texts, each build in its own feed order.
    const build = fc.uniqueArray(
      fc.record({ id: fc.integer({ min: 0, max: 12 }), words: fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }) }),
      { selector: (article) => article.id, maxLength: 12 },
    );
    fc.assert(
      fc.property(build, build, fc.boolean(), (before, after, keepOrder) => {
        // Half the time the articles kept stay where they were (the in-place path).
        const now = keepOrder
          ? after.slice(0, before.length).map((a, i) => ({ ...a, id: (before[i] as typeof a).id }))
          : after;
        const tokensOf = (words: string[]) => textTokens(words.join(" "));
        const old = new PostingsBuilder();
        before.forEach((article, p) => {
          old.add(p, tokensOf(article.words).join(" "));
        });
        const lists = old.inFeedOrder(before.map((_, p) => p));
        const was = new Map(before.map((article, o) => [article.id, o]));
        const moved = new Int32Array(before.length).fill(-1);
        const added = new Map<string, number[]>();
        now.forEach((article, p) => {
          const o = was.get(article.id);
          if (o !== undefined && (before[o] as typeof article).words.join(" ") === article.words.join(" ")) {
            moved[o] = p;
            return;
          }
          for (const token of tokensOf(article.words)) added.set(token, [...(added.get(token) ?? []), p]);
        });
        const patched = patchPostings(lists, moved, added, now.length);
        const expected = JSON.stringify(postingsOf(now.map((article) => tokensOf(article.words))));
        expect(Buffer.concat(postingsJson(patched)).toString("utf8")).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
