-- Keyword feeds walk a token's articles in feed order, as topic feeds walk a topic's.
-- The FTS5 table of 0003 answered a match as a list in rowid order, which is not feed
-- order: every statement built the whole list before its LIMIT, so a word in every
-- article cost as much as the corpus (229 ms at 100,000 articles, 1.86 s at 1,000,000).
-- Here a token's rows are keyed newest first, like article_topics: a page of `q=` is a
-- range of one token's rows, and the other words are point lookups on the same key.
-- Tokens are src/content/tokens.ts's, written by `npm run content:push`; the query side
-- uses the same tokeniser, so the two stores agree. One row per distinct token of an
-- article's title and excerpt (some tens per article): more rows than FTS5's compressed
-- lists, traded for pages that cost the same whatever a word's frequency.
DROP TABLE article_search;

CREATE TABLE article_tokens (
  token TEXT NOT NULL,
  published_ms INTEGER NOT NULL,
  article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  PRIMARY KEY (token, published_ms DESC, article_id)
) STRICT, WITHOUT ROWID;

-- A push rewrites an article's tokens by its id.
CREATE INDEX article_tokens_by_article ON article_tokens (article_id);

-- Rows pushed before this migration have no tokens here: an emptied hash makes the next
-- push rewrite every article, and with it its tokens.
UPDATE articles SET content_hash = '';
