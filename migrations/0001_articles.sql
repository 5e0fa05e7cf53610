-- Articles for the D1 store: the compiled article as JSON, plus the columns the feed
-- queries filter and order on. Written only by `npm run content:push`.
CREATE TABLE articles (
  id TEXT PRIMARY KEY,
  published_ms INTEGER NOT NULL,
  type TEXT,
  quality REAL,
  provider_slug TEXT,
  category_slug TEXT,
  -- sha256 of `data`: a push rewrites only the rows whose hash changed.
  content_hash TEXT NOT NULL,
  -- The compiled article (src/content/article.ts), exactly as the bundled index holds it.
  data TEXT NOT NULL
) STRICT;

-- Newest first, ties by id: the order of every feed; keyed so a page is an index range.
CREATE INDEX articles_by_time ON articles (published_ms DESC, id);
CREATE INDEX articles_by_provider ON articles (provider_slug, published_ms DESC, id);
CREATE INDEX articles_by_category ON articles (category_slug, published_ms DESC, id);

CREATE TABLE article_topics (
  topic_slug TEXT NOT NULL,
  article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  published_ms INTEGER NOT NULL,
  PRIMARY KEY (topic_slug, article_id)
) STRICT;

CREATE INDEX article_topics_by_time ON article_topics (topic_slug, published_ms DESC, article_id);
CREATE INDEX article_topics_by_article ON article_topics (article_id);

-- Labels of topics, providers and categories (kind: topic | provider | category).
CREATE TABLE terms (
  kind TEXT NOT NULL,
  slug TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (kind, slug)
) STRICT;

-- `version`: the content version, changed by every push that changes anything; it keys
-- the edge cache, so new content is served as soon as the Worker reads it.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- How many articles each view holds (`all`, `topic:<slug>`, `provider:<slug>`,
-- `category:<slug>`), kept by triggers: a feed's page count without counting its rows.
-- Writers must insert, update and delete rows (not INSERT OR REPLACE, whose implicit
-- delete fires no trigger).
CREATE TABLE view_counts (
  view TEXT PRIMARY KEY,
  total INTEGER NOT NULL
) STRICT;

CREATE TRIGGER articles_counted AFTER INSERT ON articles BEGIN
  INSERT INTO view_counts (view, total) VALUES ('all', 1) ON CONFLICT (view) DO UPDATE SET total = total + 1;
  INSERT INTO view_counts (view, total) SELECT 'provider:' || NEW.provider_slug, 1 WHERE NEW.provider_slug IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET total = total + 1;
  INSERT INTO view_counts (view, total) SELECT 'category:' || NEW.category_slug, 1 WHERE NEW.category_slug IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET total = total + 1;
END;

CREATE TRIGGER articles_uncounted AFTER DELETE ON articles BEGIN
  UPDATE view_counts SET total = total - 1 WHERE view IN ('all', 'provider:' || OLD.provider_slug, 'category:' || OLD.category_slug);
END;

CREATE TRIGGER articles_recounted AFTER UPDATE OF provider_slug, category_slug ON articles BEGIN
  UPDATE view_counts SET total = total - 1 WHERE view IN ('provider:' || OLD.provider_slug, 'category:' || OLD.category_slug);
  INSERT INTO view_counts (view, total) SELECT 'provider:' || NEW.provider_slug, 1 WHERE NEW.provider_slug IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET total = total + 1;
  INSERT INTO view_counts (view, total) SELECT 'category:' || NEW.category_slug, 1 WHERE NEW.category_slug IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET total = total + 1;
END;

CREATE TRIGGER topics_counted AFTER INSERT ON article_topics BEGIN
  INSERT INTO view_counts (view, total) VALUES ('topic:' || NEW.topic_slug, 1) ON CONFLICT (view) DO UPDATE SET total = total + 1;
END;

CREATE TRIGGER topics_uncounted AFTER DELETE ON article_topics BEGIN
  UPDATE view_counts SET total = total - 1 WHERE view = 'topic:' || OLD.topic_slug;
END;

-- Scheduled articles, counted per view at request time, are the few newest rows.
CREATE INDEX article_topics_by_published ON article_topics (published_ms);
