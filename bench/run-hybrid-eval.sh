#!/usr/bin/env bash
# Every figure of docs/evaluation.md's "Hybrid retrieval" section: eval-retrieval --mode all (BM25, dense,
# hybrid RRF, hybrid linear) for MiniLM and bge-small on SciFact train, the NQ sample and WikiQA dev (all
# candidate sentences), each +/- the reranker when one is given with RERANKER=DIR; then eval-mmr on STS-B dev.
# Retrievers are saved under cache/eval/ so a rerun skips the encoding. Logs go to cache/eval/*.log.
# Usage: bench/run-hybrid-eval.sh [MODELS (default "minilm bge-small")]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
D=${WINNOW_SHARED:-$root/../shared}/data
out=$root/cache/eval
mkdir -p "$out"
models=${1:-minilm bge-small}
rr=()
suffix=
if [ -n "${RERANKER:-}" ]; then rr=(--reranker "$RERANKER"); suffix=-rerank; fi
run() { # name, args...
  local name=$1; shift
  local saved=$out/$name
  if [ -f "$saved/retriever.properties" ]; then
    "$root/bin/winnow" eval-retrieval "$@" --retriever "$saved" --mode all "${rr[@]}" > "$out/$name$suffix.log"
  else
    "$root/bin/winnow" eval-retrieval "$@" --save "$saved" --mode all "${rr[@]}" > "$out/$name$suffix.log"
  fi
  grep -v '^{' "$out/$name$suffix.log" >&2
}
for m in $models; do
  run "scifact-$m" --model "$m" --corpus "$D/scifact/corpus.jsonl" --queries "$D/scifact/queries.jsonl" \
      --qrels "$D/scifact/qrels/train.tsv"
  run "nq-$m" --model "$m" --nq "$D/nq_sample/nq_sample.utf8fixed.tsv"
  run "wikiqa-$m" --model "$m" --wikiqa "$D/wikiqa/WikiQA-dev.tsv.gz"
done
[ -n "$suffix" ] && exit 0
"$root/bin/winnow" eval-mmr --file "$D/stsb/sts-dev.csv" > "$out/mmr.log"
cat "$out/mmr.log" >&2
