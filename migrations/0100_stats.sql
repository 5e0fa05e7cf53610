-- Subscriber counts (src/stats/): independent of the article tables, so it applies in any
-- order with the other migrations, and with either article store (STORE = bundled or d1).
-- Days are whole UTC days since 1970-01-01. Rows older than 400 days are pruned by the cron.

-- What a hosted reader (Feedly, Inoreader, …) last reported on a day for one feed URL:
-- `path` is the canonical view (path and filters, no paging), `feed_id` the service's own
-- id of the subscription ('' when it sends none). The 7-day figure sums, per service, the
-- last number each feed id reported in the 7 days.
CREATE TABLE IF NOT EXISTS stats_hosted (
  day INTEGER NOT NULL,
  path TEXT NOT NULL,
  service TEXT NOT NULL,
  feed_id TEXT NOT NULL,
  subscribers INTEGER NOT NULL,
  PRIMARY KEY (day, path, service, feed_id)
) STRICT;

-- Individual readers (NetNewsWire, newsboat, …) seen in the 7-day window that ends on
-- `window_end`: `client` is an HMAC of address and user agent under that window's own key,
-- which no other window shares, so a client cannot be followed from one window to the next.
-- Rows live until their window is over, then the cron folds them into stats_individual.
CREATE TABLE IF NOT EXISTS stats_clients (
  window_end INTEGER NOT NULL,
  path TEXT NOT NULL,
  service TEXT NOT NULL,
  client TEXT NOT NULL,
  PRIMARY KEY (window_end, path, service, client)
) STRICT;

-- Distinct individual clients of a feed per reader over the 7 days ending on `day`.
CREATE TABLE IF NOT EXISTS stats_individual (
  day INTEGER NOT NULL,
  path TEXT NOT NULL,
  service TEXT NOT NULL,
  clients INTEGER NOT NULL,
  PRIMARY KEY (day, path, service)
) STRICT;
