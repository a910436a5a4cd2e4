#!/usr/bin/env bash
# Starts the built product under the current DISPLAY (Xvfb in tests), waits for the Liaison window,
# checks that the log of a clean start holds no ERROR entry, and prints the time to the first window
# (cold: first start of a new configuration; warm: the next start), the product's size and bundle count.
# Usage: releng/scripts/product-smoke.sh PRODUCT_DIR
set -euo pipefail
product=$1
[ -x "$product/liaison" ] || { echo "product-smoke: no product at $product" >&2; exit 1; }
[ -n "${DISPLAY:-}" ] || { echo "product-smoke: needs DISPLAY (Xvfb)" >&2; exit 1; }
command -v xwininfo >/dev/null || { echo "product-smoke: needs xwininfo (apt-get install x11-utils)" >&2; exit 1; }

home=$(mktemp -d)
config=$(mktemp -d)
trap 'rm -rf "$home" "$config"' EXIT

start_once() { # prints the seconds to the first Liaison window
	local t0 pid secs=""  # secs: milliseconds
	t0=$(date +%s%N)
	LIAISON_HOME=$home LIAISON_VM_ARGS="-Dosgi.sharedConfiguration.area=$product/configuration" \
		"$product/liaison" -configuration "$config" >"$home/stdout.log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		if xwininfo -root -tree 2>/dev/null | grep -q '"Liaison"'; then
			secs=$((($(date +%s%N) - t0) / 1000000))
			break
		fi
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	sleep 2
	kill $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	[ -n "$secs" ] || { echo "product-smoke: no Liaison window appeared" >&2; cat "$home/stdout.log" >&2; exit 1; }
	printf '%d.%02d' $((secs / 1000)) $((secs % 1000 / 10))
}

cold=$(start_once)
warm=$(start_once)
log="$home/workspace/.metadata/.log"
if [ -f "$log" ] && grep -q '^!ENTRY [^ ]* 4 ' "$log"; then
	echo "product-smoke: the product logged errors on a clean start:" >&2
	cat "$log" >&2
	exit 1
fi
size=$(du -sh "$product" | cut -f1)
bundles=$(ls "$product/plugins" | wc -l)
echo "product-smoke: Liaison window after ${cold} s cold, ${warm} s warm; no errors logged; product ${size}, ${bundles} bundles"
