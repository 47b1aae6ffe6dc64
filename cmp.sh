#!/bin/bash
# cmp.sh FILTER_BASE FILTER_MINE [rounds]: alternate base and this branch's core bench.
B=/work/wt-base/target/release/deps/core-ff46f171a1c65ae6
A=/work/wt-switch/target/release/deps/core-ff46f171a1c65ae6
for r in $(seq ${3:-2}); do
  echo "== base"; (cd /work/wt-base && $B --bench --noplot "$1" --measurement-time 2 --warm-up-time 1 2>&1 | grep -E 'time:' -B1 | grep -v '^--' | paste - - | awk '{print $1, $5, $6}')
  echo "== mine"; (cd /work/wt-switch && $A --bench --noplot "$2" --measurement-time 2 --warm-up-time 1 2>&1 | grep -E 'time:' -B1 | grep -v '^--' | paste - - | awk '{print $1, $5, $6}')
done
