-- Keyword feeds (`q=`, `exclude=`): each article's tokens, as src/content/tokens.ts makes
-- them from its title and excerpt, written by `npm run content:push`. The text is already
-- folded and split (CJK into bigrams), so FTS5's `ascii` tokenizer only splits it on the
-- spaces between tokens: the query side uses the same tokeniser, and the two stores agree.
-- No positions are kept (detail=none): a keyword view asks for words, not phrases.
CREATE VIRTUAL TABLE article_search USING fts5(tokens, article_id UNINDEXED, tokenize = 'ascii', detail = none);

-- Rows pushed before this migration have no tokens yet: an emptied hash makes the next
-- push rewrite every article, and with it its tokens.
UPDATE articles SET content_hash = '';
