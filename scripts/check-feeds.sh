#!/usr/bin/env bash
# Serves the feeds with `wrangler dev` on loopback and judges them with the shared
# readers' harness (W3C validator, feedparser, RFC 4287 schema, JSON Feed schema,
# newsboat, two strict JS parsers).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  cat <<'USAGE'
usage: bash scripts/check-feeds.sh [PATH...]
Serves the feeds with `wrangler dev` on 127.0.0.1:$PORT (default 8795) and runs the readers'
harness on PATHs (default: every kind of feed, and top feeds served at a fixed instant by
scripts/serve-at.ts on $PORT + 1). The harness is copied from $HARNESS_SRC
(default ../shared/harness) into $HARNESS (default .cache/feed-harness, per checkout).
USAGE
  exit 0
fi

HARNESS_SRC=${HARNESS_SRC:-../shared/harness}
# Per checkout: setup.sh reinstalls the harness's packages in place, which two checkouts
# sharing one folder would do at the same time.
HARNESS=${HARNESS:-$PWD/.cache/feed-harness}
LOGS=$PWD/.cache
mkdir -p "$LOGS"
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
  "/atom.xml?q=artificial+intelligence" "/rss.xml?q=ai&exclude=apple" "/feed.json?q=charbon"
)
# Top feeds rank the articles of a window that ends now, and the project's records are
# years old: these are served at a fixed instant (scripts/serve-at.ts) when three are in it.
TOP_AT=2023-12-10T00:00:00Z
TOP_PORT=$((PORT + 1))
TOP_BASE="http://127.0.0.1:$TOP_PORT"
top_paths=(/top/rss.xml "/top/atom.xml?window=30d" "/top/feed.json?window=30d" "/topics/quantum-computing/top/atom.xml?window=30d")

if [ ! -x "$HARNESS/check-all" ]; then
  if [ ! -x "$HARNESS_SRC/check-all" ]; then
    echo "harness: missing: no readers' harness at $HARNESS_SRC (set HARNESS_SRC to a copy of it)" >&2
    exit 2
  fi
  rm -rf "$HARNESS" && cp -r "$HARNESS_SRC" "$HARNESS" && chmod -R u+w "$HARNESS"
fi
# setup.sh installs the readers; the W3C validator needs a copy of w3c/feedvalidator,
# which only a machine that has one provides (FEEDVALIDATOR_MIRROR or FEEDVALIDATOR_DIR).
only=()
if ! (cd "$HARNESS" && ./setup.sh >"$LOGS/feed-harness-setup.log" 2>&1); then
  if grep -q "feedvalidator checkout missing" "$LOGS/feed-harness-setup.log"; then
    echo "harness: W3C feedvalidator missing (set FEEDVALIDATOR_MIRROR); running every other checker" >&2
    only=(--only feedparser,atom-rng,jsonfeed,newsboat,rowan,feedsmith)
  else
    echo "harness: setup.sh failed: $(tail -1 "$LOGS/feed-harness-setup.log") (log: $LOGS/feed-harness-setup.log)" >&2
    exit 2
  fi
fi

for base in "$BASE" "$TOP_BASE"; do
  if curl -s -o /dev/null --max-time 2 "$base/"; then
    echo "something already answers on $base; set PORT to a free port (it and the next one are used)" >&2
    exit 2
  fi
done
# Waits up to $2 seconds for $1 to answer.
wait_for() {
  for _ in $(seq 1 "$2"); do
    curl -fs -o /dev/null --max-time 5 "$1" && return
    sleep 1
  done
}
# Process groups of their own, so that wrangler and workerd stop with them.
servers=()
trap 'for group in "${servers[@]}"; do kill -- -"$group" 2>/dev/null || true; done' EXIT
setsid npx wrangler dev --port "$PORT" --ip 127.0.0.1 --var "SITE_URL:$BASE" >"$LOGS/feed-service-dev.log" 2>&1 &
servers+=($!)
wait_for "$BASE/feed.json" 90
if [ "$defaults" = 1 ]; then
  setsid npx tsx scripts/serve-at.ts "$TOP_AT" "$TOP_PORT" >"$LOGS/feed-service-top.log" 2>&1 &
  servers+=($!)
  wait_for "$TOP_BASE/top/feed.json" 30
fi

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
if [ "$defaults" = 1 ]; then
  top_report=$("$HARNESS/check-all" --details all "${only[@]}" "$TOP_BASE" "${top_paths[@]}") || {
    echo "$top_report"; exit 1
  }
  report=$(printf '%s\n%s' "$report" "$top_report")
fi
echo "$report" | grep -v '^  ' || true
unexpected=$(echo "$report" | grep -E '^ +WARNING' | grep -v 'http://webfeeds.org/rss/1.0' || true)
if [ -n "$unexpected" ]; then
  echo "unexpected warnings:"; echo "$unexpected"; exit 1
fi
