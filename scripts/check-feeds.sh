#!/usr/bin/env bash
# Serves the feeds with `wrangler dev` on loopback and judges them with the shared
# readers' harness (W3C validator, feedparser, RFC 4287 schema, JSON Feed schema,
# newsboat, two strict JS parsers). Usage: scripts/check-feeds.sh [PATH...]
set -euo pipefail
cd "$(dirname "$0")/.."

HARNESS_SRC=${HARNESS_SRC:-../shared/harness}
HARNESS=${HARNESS:-/tmp/feed-harness}
# Not 8787, which `npm start` uses; SITE_URL follows, so self links match the address.
PORT=${PORT:-8795}
BASE="http://127.0.0.1:$PORT"
paths=("$@")
defaults=$((${#paths[@]} == 0))
[ "$defaults" = 0 ] || paths=(
  /rss.xml /atom.xml /feed.json "/rss.xml?limit=100" "/atom.xml?limit=100" "/feed.json?limit=100"
  /topics/ai-in-healthcare/rss.xml /topics/energie-renouvelable/atom.xml /topics/ai/feed.json
  /providers/nature/rss.xml /providers/nature/atom.xml /categories/news/feed.json
  /archive/2026-05/rss.xml /archive/2026-05/atom.xml /archive/2026-05/feed.json
  "/rss.xml?topic=ai&minQuality=50"
)

if [ ! -x "$HARNESS/check-all" ]; then
  rm -rf "$HARNESS" && cp -r "$HARNESS_SRC" "$HARNESS" && chmod -R u+w "$HARNESS"
fi
# setup.sh installs the readers; the W3C validator needs a copy of w3c/feedvalidator,
# which only a machine that has one provides (FEEDVALIDATOR_MIRROR or /tmp/feedvalidator).
only=()
if ! (cd "$HARNESS" && ./setup.sh >/tmp/feed-harness-setup.log 2>&1); then
  echo "harness: W3C feedvalidator unavailable here; running every other checker" >&2
  only=(--only feedparser,atom-rng,jsonfeed,newsboat,rowan,feedsmith)
fi

if curl -s -o /dev/null --max-time 2 "$BASE/"; then
  echo "something already answers on $BASE; set PORT to a free port" >&2
  exit 2
fi
# A process group of its own, so that wrangler and workerd stop with it.
setsid npx wrangler dev --port "$PORT" --ip 127.0.0.1 --var "SITE_URL:$BASE" >/tmp/feed-service-dev.log 2>&1 &
dev=$!
trap 'kill -- -$dev 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do
  curl -fs -o /dev/null --max-time 5 "$BASE/feed.json" && break
  sleep 1
done

# Later pages by their keyset positions, as next links give them: pages 2 and 3 of five.
next_search() {
  node -e 'fetch(process.argv[1]).then((r) => r.json()).then((f) => console.log(new URL(f.next_url).search))' "$1"
}
if [ "$defaults" = 1 ]; then
  page2=$(next_search "$BASE/feed.json?limit=5")
  page3=$(next_search "$BASE/feed.json$page2")
  paths+=("/rss.xml$page2" "/atom.xml$page3" "/feed.json$page2")
fi

# Errors fail the run; so does any W3C warning but the one the README explains (RSS
# carries Feedly's webfeeds namespace, which the validator does not know).
report=$("$HARNESS/check-all" --details all "${only[@]}" "$BASE" "${paths[@]}") || { echo "$report"; exit 1; }
echo "$report" | grep -v '^  ' || true
unexpected=$(echo "$report" | grep -E '^ +WARNING' | grep -v 'http://webfeeds.org/rss/1.0' || true)
if [ -n "$unexpected" ]; then
  echo "unexpected warnings:"; echo "$unexpected"; exit 1
fi
