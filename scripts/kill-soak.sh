#!/usr/bin/env bash
# Kill soak: N random SIGKILLs during `./oml train` of a small config, each followed by a resume; then checks that
#   1. every checkpoint is a complete zip after every kill, and every final checkpoint loads (`oml validate`);
#   2. no temporary file (.oml-tmp-*) left by a kill survives the next start of the run;
#   3. the killed-and-resumed run ends bit-identical to an uninterrupted one: the sha256 of extractor.bin inside the
#      final last.ckpt (`unzip -p last.ckpt extractor.bin | sha256sum`) is the same.
# Not part of the test suite (minutes, not seconds). Exit code 0 only if every check passed.
#
#   scripts/kill-soak.sh [N]        N kills (default 50)
#
# Settings (environment): OML_SOAK_SEED (42) seeds the kill times; OML_SOAK_EPOCHS (5N+20) epochs of 2 steps, each
# validated and checkpointed (valid_period 1); OML_SOAK_KILL_MS="1200 3600": each kill lands uniformly in that window
# after the CLI process starts (the first second or two is start-up and loading the checkpoint, the rest training and
# checkpoint writes);
# OML_SOAK_DIR (a new folder under /tmp; kept when a check fails, or with OML_SOAK_KEEP=1).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-50}
seed=${OML_SOAK_SEED:-42}
epochs=${OML_SOAK_EPOCHS:-$((5 * n + 20))}
read -r kill_min kill_max <<<"${OML_SOAK_KILL_MS:-1200 3600}"
work=${OML_SOAK_DIR:-$(mktemp -d /tmp/oml-kill-soak.XXXXXX)}
mkdir -p "$work"
cd "$work"
export OMP_NUM_THREADS=1   # one thread: the same arithmetic order in every process, so runs can be compared bit for bit
oml="$repo/oml"
RANDOM=$seed
started=$SECONDS
failures=()
fail() { failures+=("$1"); echo "FAIL: $1" >&2; }

echo "kill soak: N=$n kills, seed $seed, $epochs epochs, kills ${kill_min}-${kill_max} ms after the CLI starts, in $work"
"$oml" info >/dev/null   # builds the CLI once, outside the timed loop
"$oml" dataset mock data --classes 8 --per-class 8 --size 32 --seed 3 --if-absent >/dev/null
cat >train.yaml <<EOF
seed: 7
accelerator: cpu
dataset_root: data
dataframe_name: df.csv
logs_root: logs
logs_folder: run
num_workers: 0
transforms_train: {name: norm_resize_torch, args: {im_size: 32}}
transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
sampler: {name: balance, args: {n_labels: 2, n_instances: 4}}
bs_val: 32
extractor: {name: resnet, args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: null}}
criterion: {name: triplet_with_miner, args: {margin: 0.2, miner: {name: all_triplets, args: {}}}}
optimizer: {name: adam, args: {lr: 0.001}}
max_epochs: $epochs
valid_period: 1
metric_args: {cmc_top_k: [1], map_top_k: [5], fmr_vals: [], pcf_variance: []}
metric_for_checkpointing: OVERALL/cmc/1
log_images: false
EOF

# the uninterrupted run
reference_started=$SECONDS
"$oml" train train.yaml logs_folder=reference >reference.log 2>&1 || { cat reference.log; echo "the uninterrupted run failed" >&2; exit 1; }
reference_seconds=$((SECONDS - reference_started))
echo "uninterrupted run: $epochs epochs in ${reference_seconds} s"

run=logs/soak
last=$run/checkpoints/last.ckpt
temp_files() { find "$run" -name '.oml-tmp-*' 2>/dev/null | sort; }

# Starts `./oml train` of the soaked run (resuming when there is a last.ckpt); sets $pid. ./oml checks the build,
# then execs the CLI in the same process, so $pid is the training process; only it is killed, never the build's.
start() {
  local log=$1
  if [[ -f $last ]]; then
    "$oml" train train.yaml logs_folder=soak "resume=$last" >"$log" 2>&1 &
  else
    rm -rf "$run"   # killed before its first checkpoint: start afresh
    "$oml" train train.yaml logs_folder=soak >"$log" 2>&1 &
  fi
  pid=$!
}

# Waits until ./oml has exec'd the CLI (its build check done) and returns 0, or 1 if the process ended first.
wait_for_cli() {
  local deadline=$((SECONDS + 300))
  while kill -0 "$pid" 2>/dev/null; do
    grep -q 'Oml.Cli.dll' "/proc/$pid/cmdline" 2>/dev/null && return 0
    ((SECONDS < deadline)) || { fail "./oml did not start the CLI within 300 s"; return 1; }
    sleep 0.02
  done
  return 1
}

# Temporary files that a kill left must be gone once a later run has started: each survivor is reported once, then
# deleted here so that the soak does not fill the disk (each is a checkpoint's size).
check_pending() {
  for f in $pending; do
    if [[ -e $f ]]; then
      survived=$((survived + 1))
      fail "$1: $f, left by an earlier kill, survived the next start"
      rm -f "$f"
    fi
  done
  pending=""
}

kills=0 in_startup=0 with_temp=0 survived=0 attempt=0
pending=""   # temp files a kill left, until a run has started again
epochs_at_kills=()
while ((kills < n)); do
  attempt=$((attempt + 1))
  log=attempt_$attempt.log
  start "$log"
  if ! wait_for_cli; then
    wait "$pid" || true
    break
  fi
  delay=$((kill_min + (RANDOM * 32768 + RANDOM) % (kill_max - kill_min + 1)))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || true
    break   # the run finished
  fi
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  kills=$((kills + 1))

  # did this process start the run (clean-up done) before it died? then nothing a kill left before may remain
  if grep -q '^run \|resuming at epoch' "$log"; then
    check_pending "kill $kills"
  else
    in_startup=$((in_startup + 1))
  fi
  left=$(comm -13 <(tr ' ' '\n' <<<"$pending" | sed '/^$/d' | sort -u) <(temp_files))   # new since the last check
  if [[ -n $left ]]; then
    with_temp=$((with_temp + 1))
    pending="$pending $left"
  fi
  # every checkpoint on disk is complete: a kill never leaves a broken one
  for ckpt in "$run"/checkpoints/*.ckpt; do
    [[ -e $ckpt ]] || continue
    unzip -tq "$ckpt" >/dev/null 2>&1 || fail "kill $kills: $ckpt is not a complete zip"
  done
  done_epochs=$( [[ -f $last ]] && unzip -p "$last" oml-checkpoint.json | grep -o '"EpochsCompleted": *[0-9]*' | grep -o '[0-9]*$' || echo 0)
  epochs_at_kills+=("$done_epochs")
  printf 'kill %2d after %4d ms: %3s epochs done%s\n' "$kills" "$delay" "$done_epochs" "${left:+, temp files left: $(echo "$left" | wc -l)}"
done

# the last resume runs to the end
final_log=final.log
start "$final_log"
wait "$pid" || { cat "$final_log"; fail "the final resume failed"; }
check_pending "the final run"
[[ -z $(temp_files) ]] || fail "temporary files remain after the final run: $(temp_files | tr '\n' ' ')"
((kills == n)) || fail "only $kills of $n kills landed before the run finished (raise OML_SOAK_EPOCHS)"

# bit-identical to the uninterrupted run
reference_sha=$(unzip -p logs/reference/checkpoints/last.ckpt extractor.bin | sha256sum | cut -d' ' -f1)
soak_sha=$(unzip -p "$last" extractor.bin | sha256sum | cut -d' ' -f1)
if [[ $reference_sha == "$soak_sha" ]]; then
  echo "extractor.bin of the final last.ckpt: $soak_sha, identical to the uninterrupted run's"
else
  fail "extractor.bin differs: uninterrupted $reference_sha, killed and resumed $soak_sha"
fi

# every checkpoint loads
for ckpt in logs/reference/checkpoints/*.ckpt "$run"/checkpoints/*.ckpt; do
  name=$(echo "$ckpt" | tr '/' '_')
  if "$oml" validate train.yaml "extractor.args.weights=$ckpt" "save_dir=validate/$name" log_images=false >"validate_$name.log" 2>&1; then
    echo "loads: $ckpt ($(grep -o 'OVERALL/cmc/1[^0-9]*[0-9.]*' "validate_$name.log" | head -1 | grep -o '[0-9.]*$'))"
  else
    fail "$ckpt does not load: $(tail -3 "validate_$name.log")"
  fi
done

total=$((SECONDS - started))
echo
echo "kills: $kills (attempts $attempt), $in_startup before the run had started, $with_temp left temporary files," \
     "$survived temporary files survived a later start; epochs done at the kills: ${epochs_at_kills[*]:-none}"
echo "time: ${total} s in all (uninterrupted run ${reference_seconds} s)"
if ((${#failures[@]} > 0)); then
  echo "FAILED: ${#failures[@]} check(s); files kept in $work"
  exit 1
fi
echo "PASSED"
[[ -n ${OML_SOAK_KEEP:-} || -n ${OML_SOAK_DIR:-} ]] || rm -rf "$work"
