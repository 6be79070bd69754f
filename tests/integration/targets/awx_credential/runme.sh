#!/usr/bin/env bash
# docs/awx/credential_type.yml as AWX would use it, against the `main` emulator: check the type, then run the
# playbooks with exactly the environment its injectors render from a credential holding the emulator's token and
# URL, the way an AWX job runs them (see awx_job.py).
set -eu -o pipefail

# ansible-test copies integration_config.yml (written by scripts/with_emulator.py) two levels above the target.
config="../../integration_config.yml"
for arg in "$@"; do
  case "$arg" in @*) config="${arg#@}" ;; esac  # a cloud plugin's config, when ansible-test passes one
done
if [[ ! -f "$config" ]]; then
  echo "runme.sh: no $config: run the target with ansible-test and the emulators (make integration)" >&2
  exit 1
fi

out="${OUTPUT_DIR:?ansible-test sets OUTPUT_DIR}"
playbooks="$(python awx_job.py collection-root)/docs/awx"
job() { python awx_job.py run --config "$config" "$@"; }
expect_in() {  # expect_in FILE TEXT: the text is in the file, else show the end of the file and fail
  grep -qF -- "$2" "$1" || { tail -n 40 "$1"; echo "runme.sh: '$2' is not in $1" >&2; exit 1; }
}

python awx_job.py check

# The host AWX runs against, as docs/awx/setup.yml creates it: localhost in the execution environment.
printf '%s\n' 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"' > "$out/inventory"

echo "== module and lookup with the injected environment only"
job --log "$out/env.log" -- ansible-playbook -vvvv -i "$out/inventory" credential_env.yml || { tail -n 40 "$out/env.log"; exit 1; }

echo "== without IONOS_TOKEN the same play fails: the credential is what authenticates it"
if job --log "$out/no-token.log" --without IONOS_TOKEN -- ansible-playbook -i "$out/inventory" credential_env.yml; then
  echo "runme.sh: the play passed without IONOS_TOKEN" >&2
  exit 1
fi
expect_in "$out/no-token.log" "(401)"

export ANSIBLE_SHOW_CUSTOM_STATS=true  # AWX collects set_stats with its own callback; here the default one prints them

echo "== the compliance job with survey answers, policies that hold: the job passes"
printf '%s\n' '{"compliance_policies": {"max_errors": 100000}, "window_start": "-31d", "window_end": "now"}' > "$out/passing.json"
job --log "$out/passing.log" -- ansible-playbook -vvvv -i "$out/inventory" "$playbooks/compliance_job.yml" -e "@$out/passing.json" \
  || { tail -n 40 "$out/passing.log"; exit 1; }
expect_in "$out/passing.log" "1 policy passed over 6000 entries"  # the survey's 31 days: every entry of the emulator
python awx_job.py stats "$out/passing.log" "$out/passing-artifacts.json"

echo "== the compliance job with a violated policy fails, and still publishes its verdict"
printf '%s\n' '{"compliance_policies": {"change_windows": {"timezone": "Europe/Berlin", "windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}]}}, "window_start": "-7d", "window_end": "now"}' > "$out/failing.json"
if job --log "$out/failing.log" -- ansible-playbook -vvvv -i "$out/inventory" "$playbooks/compliance_job.yml" -e "@$out/failing.json"; then
  echo "runme.sh: the compliance job passed a violated change window" >&2
  exit 1
fi
expect_in "$out/failing.log" "Activity Log compliance failed"
python awx_job.py stats "$out/failing.log" "$out/failing-artifacts.json"

echo "== the next workflow node gets the stats as extra variables"
job --log "$out/verdict-passed.log" -- ansible-playbook -i "$out/inventory" "$playbooks/compliance_verdict.yml" -e "@$out/passing-artifacts.json" \
  || { tail -n 40 "$out/verdict-passed.log"; exit 1; }
expect_in "$out/verdict-passed.log" '"msg": "Activity Log compliance passed"'
job --log "$out/verdict-failed.log" -- ansible-playbook -i "$out/inventory" "$playbooks/compliance_verdict.yml" -e "@$out/failing-artifacts.json" \
  || { tail -n 40 "$out/verdict-failed.log"; exit 1; }
expect_in "$out/verdict-failed.log" '"msg": "Activity Log compliance FAILED: change_windows"'
if job --log "$out/verdict-none.log" -- ansible-playbook -i "$out/inventory" "$playbooks/compliance_verdict.yml"; then
  echo "runme.sh: the verdict node passed without a verdict" >&2
  exit 1
fi
expect_in "$out/verdict-none.log" "No compliance verdict"

echo "== no secret input of the credential in any output"
python awx_job.py scan --config "$config" "$out"/*.log
