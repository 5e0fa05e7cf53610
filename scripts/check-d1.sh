#!/usr/bin/env bash
# The D1 store end to end, as a deployment runs it: `npm run content:push` into the local
# D1, `wrangler dev` built with STORE=d1 (a bundle without articles), and every feed
# compared byte for byte with what the bundled store serves. Leaves the bundled index
# built.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  echo "usage: bash scripts/check-d1.sh    (PORT=8796 by default): pushes content/ to the local D1, serves it with STORE=d1 and compares every feed with the bundled store's"
  exit 0
fi

PORT=${PORT:-8796}
BASE="http://127.0.0.1:$PORT"
paths=(
  /rss.xml /atom.xml /feed.json "/atom.xml?limit=100" /topics/ai/feed.json /providers/nature/rss.xml
  /categories/news/atom.xml /archive/2026-05/rss.xml "/feed.json?type=article&minQuality=50" /feeds.opml /
  "/atom.xml?q=artificial+intelligence" "/feed.json?q=ai&exclude=apple" "/rss.xml?q=charbon" "/topics/ai/atom.xml?q=ai"
)
mkdir -p .cache && work=$(mktemp -d .cache/check-d1-XXXXXX)
dev=""
stop() {
  if [ -n "$dev" ]; then
    kill -- -"$dev" 2>/dev/null || true
    wait "$dev" 2>/dev/null || true
    dev=""
  fi
}
trap 'stop; rm -rf "$work"' EXIT

# `wrangler dev` in a process group of its own, so that workerd stops with it.
serve() {
  if curl -s -o /dev/null --max-time 2 "$BASE/"; then
    echo "something already answers on $BASE; set PORT to a free port" >&2
    exit 2
  fi
  setsid npx wrangler dev --port "$PORT" --ip 127.0.0.1 --var "SITE_URL:$BASE" "$@" >"$work/dev.log" 2>&1 &
  dev=$!
  for _ in $(seq 1 90); do
    curl -fs -o /dev/null --max-time 5 "$BASE/feed.json" && return 0
    sleep 1
  done
  echo "wrangler dev did not answer:" >&2
  tail -20 "$work/dev.log" >&2
  exit 1
}

fetch_all() {
  mkdir -p "$1"
  local i=0
  for path in "${paths[@]}"; do
    curl -fsS --max-time 10 "$BASE$path" -o "$1/$i"
    i=$((i + 1))
  done
}

serve
# A later page, by the position the first page's next link gives.
paths+=("/feed.json$(node -e 'fetch(process.argv[1]).then((r) => r.json()).then((f) => console.log(new URL(f.next_url).search))' "$BASE/feed.json?limit=5")")
fetch_all "$work/bundled"
stop

npm run -s content:push
STORE=d1 serve --var STORE:d1
index_bytes=$(wc -c <.generated/content-index.js)
fetch_all "$work/d1"
stop
npm run -s build >/dev/null # the bundled index back, as the checkout had it

if [ "$index_bytes" -gt 1000 ]; then
  echo "FAIL: the STORE=d1 build bundled $index_bytes bytes of index; it should carry no articles" >&2
  exit 1
fi
failed=0
for i in "${!paths[@]}"; do
  if cmp -s "$work/bundled/$i" "$work/d1/$i"; then
    echo "same  ${paths[$i]} ($(wc -c <"$work/d1/$i") bytes)"
  else
    echo "DIFF  ${paths[$i]}"
    diff <(head -c 4000 "$work/bundled/$i") <(head -c 4000 "$work/d1/$i") | head -20 || true
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
echo "D1 and the bundled index serve the same ${#paths[@]} documents byte for byte (the D1 build's index: $index_bytes bytes)"
