-- Terms exist from the moment their first article is visible (an embargoed article's
-- topics, provider and category stay private until then), and the home page and OPML
-- read every term's count and newest date from one table, whatever their number.
-- `first_ms`: the term's oldest article (it becomes visible first, and gives the label);
-- `newest_ms`: its newest article, scheduled or not. Both are rewritten by every push;
-- rows already here are filled from the articles.
ALTER TABLE terms ADD COLUMN first_ms INTEGER NOT NULL DEFAULT 9007199254740991;
ALTER TABLE terms ADD COLUMN newest_ms INTEGER NOT NULL DEFAULT 9007199254740991;

UPDATE terms SET
  first_ms = COALESCE((SELECT MIN(published_ms) FROM article_topics WHERE topic_slug = terms.slug), first_ms),
  newest_ms = COALESCE((SELECT MAX(published_ms) FROM article_topics WHERE topic_slug = terms.slug), newest_ms)
WHERE kind = 'topic';
UPDATE terms SET
  first_ms = COALESCE((SELECT MIN(published_ms) FROM articles WHERE provider_slug = terms.slug), first_ms),
  newest_ms = COALESCE((SELECT MAX(published_ms) FROM articles WHERE provider_slug = terms.slug), newest_ms)
WHERE kind = 'provider';
UPDATE terms SET
  first_ms = COALESCE((SELECT MIN(published_ms) FROM articles WHERE category_slug = terms.slug), first_ms),
  newest_ms = COALESCE((SELECT MAX(published_ms) FROM articles WHERE category_slug = terms.slug), newest_ms)
WHERE kind = 'category';

CREATE INDEX terms_by_first ON terms (first_ms);

-- Which views a push changed, for the WebSub cron: `seq` is the push that last touched
-- the view (meta `push_seq`, set when a push starts); the cron pings the views whose
-- `seq` is past the one it saw and at most meta `published_seq` (set when a push ends,
-- with the version), so it never pings before the new content is served.
CREATE TABLE view_changes (
  view TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  changed_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX view_changes_by_seq ON view_changes (seq);

CREATE TRIGGER articles_inserted_changes AFTER INSERT ON articles BEGIN
  INSERT INTO view_changes (view, seq, changed_ms)
    SELECT v.view, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_seq'), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_ms'), 0)
    FROM (SELECT 'all' AS view UNION ALL SELECT 'provider:' || NEW.provider_slug UNION ALL SELECT 'category:' || NEW.category_slug) v
    WHERE v.view IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET seq = excluded.seq, changed_ms = excluded.changed_ms;
END;

CREATE TRIGGER articles_updated_changes AFTER UPDATE ON articles BEGIN
  INSERT INTO view_changes (view, seq, changed_ms)
    SELECT v.view, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_seq'), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_ms'), 0)
    FROM (SELECT 'all' AS view UNION ALL SELECT 'provider:' || NEW.provider_slug UNION ALL SELECT 'category:' || NEW.category_slug
      UNION ALL SELECT 'provider:' || OLD.provider_slug UNION ALL SELECT 'category:' || OLD.category_slug) v
    WHERE v.view IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET seq = excluded.seq, changed_ms = excluded.changed_ms;
END;

CREATE TRIGGER articles_deleted_changes AFTER DELETE ON articles BEGIN
  INSERT INTO view_changes (view, seq, changed_ms)
    SELECT v.view, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_seq'), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_ms'), 0)
    FROM (SELECT 'all' AS view UNION ALL SELECT 'provider:' || OLD.provider_slug UNION ALL SELECT 'category:' || OLD.category_slug) v
    WHERE v.view IS NOT NULL
    ON CONFLICT (view) DO UPDATE SET seq = excluded.seq, changed_ms = excluded.changed_ms;
END;

CREATE TRIGGER topics_inserted_changes AFTER INSERT ON article_topics BEGIN
  INSERT INTO view_changes (view, seq, changed_ms)
    VALUES ('topic:' || NEW.topic_slug, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_seq'), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_ms'), 0))
    ON CONFLICT (view) DO UPDATE SET seq = excluded.seq, changed_ms = excluded.changed_ms;
END;

CREATE TRIGGER topics_deleted_changes AFTER DELETE ON article_topics BEGIN
  INSERT INTO view_changes (view, seq, changed_ms)
    VALUES ('topic:' || OLD.topic_slug, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_seq'), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'push_ms'), 0))
    ON CONFLICT (view) DO UPDATE SET seq = excluded.seq, changed_ms = excluded.changed_ms;
END;
