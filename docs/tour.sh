#!/usr/bin/env bash
# README.md's commands, run exactly as written, with checks. With `npm start` running in another
# terminal (PORT and SMTP_PORT as given to it; defaults 3000 and 2525):
#   bash docs/tour.sh
# It runs every `sh` block of the README after the set-up one (the tour, SLAs, changes, email), in
# order, in one shell, as a reader pasting them would. Each curl is the real one, wrapped only to
# note its HTTP status; after each block the statuses and the state it left are checked.
# CI runs it against a fresh stack (.ci/start-and-tour), so the README cannot silently rot.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
statuses=$work/statuses
: >"$statuses"

# The README's curl, unchanged in what it prints; the status code goes to $statuses.
curl() {
  local out
  out=$(command curl -w '\n%{http_code}' "$@")
  printf '%s\n' "${out%$'\n'*}"
  printf '%s\n' "${out##*$'\n'}" >>"$statuses"
}

fail() {
  printf '\nFAILED: %s\n' "$*" >&2
  exit 1
}

# The statuses of the block just run, in order (glob patterns); then starts afresh for the next block.
expect_statuses() {
  local seen
  seen=$(tr '\n' ' ' <"$statuses" | sed 's/ $//')
  # shellcheck disable=SC2053
  [[ "$seen" == $* ]] || fail "HTTP statuses were [$seen], expected [$*]"
  : >"$statuses"
}

# A field of a JSON document on stdin (the tour's own, independent of the README's `json`).
field() { command node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }
get() { command curl -sf "$URL$1" -H "Authorization: Bearer $2"; }

# Polls up to 10 s for `get PATH TOKEN | field FIELD` to print VALUE.
wait_for() {
  local path=$1 token=$2 name=$3 want=$4 got=
  for _ in $(seq 1 40); do
    got=$(get "$path" "$token" | field "$name")
    [ "$got" = "$want" ] && return 0
    sleep 0.25
  done
  fail "$path: $name is $got, expected $want"
}

# The README's sh blocks, one file each: 1.sh, 2.sh, ...
awk -v dir="$work" '
  /^```sh$/ { n++; inside = 1; next }
  /^```/ && inside { inside = 0; next }
  inside { print > (dir "/" n ".sh") }
' README.md
blocks=$(find "$work" -name '[0-9]*.sh' | wc -l)
[ "$blocks" -eq 9 ] || fail "README.md has $blocks sh blocks; this script checks 9: give a new one its checks"
grep -q 'npm start' "$work/1.sh" || fail "README.md's first sh block is not the set-up one"

run_block() {
  printf '\n== README.md, %s\n' "$1"
  # shellcheck disable=SC1090
  source "$work/$2.sh"
}

run_block "A five-minute tour" 2
expect_statuses 201 200 200 201 200 201 409 200 200 404 200
ADMIN_CHECK=$(npm run -s token -- tour-check admin)
[ "$(get "/tickets/$ID" "$AGENT" | field status)" = resolved ] || fail "$ID is not resolved"
[ "$(get "/tickets/$ID/history" "$AGENT" | field items.length)" -ge 5 ] || fail "$ID has too little history"
# new → in_progress → on_hold → in_progress (Alice's reply) → resolved, each an event from the stream
status_events() {
  get "/_local/events?detailType=Ticket%20Status%20Changed" "$ADMIN_CHECK" |
    command node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).items.filter(e=>e.detail.ticketId===process.argv[1]).map(e=>e.detail.to).join(" ")))' "$ID"
}
for _ in $(seq 1 40); do [ "$(status_events)" = "in_progress on_hold in_progress resolved" ] && break; sleep 0.25; done
[ "$(status_events)" = "in_progress on_hold in_progress resolved" ] || fail "status events of $ID: $(status_events)"

run_block "SLAs" 3
expect_statuses 200 201 200 200 200 200
[[ "$(get "/tickets/$SLA_ID" "$AGENT" | field sla.firstResponse.breachedAt)" == 2030-01-07T09:30:00* ]] ||
  fail "$SLA_ID's first response did not breach at 09:30"
report=$(get "/reports/sla?from=2030-01-07T00:00:00Z&to=2030-01-08T00:00:00Z" "$AGENT")
[ "$(field priorities.1.breached <<<"$report")" -ge 1 ] || fail "the SLA report shows no P2 breach: $report"

run_block "CMDB and services" 4
# CIs and relationships: 201 on a fresh stack, 200 when the tour runs again
expect_statuses '20[01]' '20[01]' '20[01]' '20[01]' '20[01]' '20[01]' '20[01]' '20[01]' 200 200 200 201 200
[ "$(get /cis/sw-1/impact "$AGENT" | field absorbed.0.id)" = core-net ] || fail "one switch down is not absorbed by core-net"
[ "$(get "/tickets/$CI_INC" "$AGENT" | field affectedServices.0.id)" = payroll ] || fail "$CI_INC does not name the Payroll service"
[ "$(get "/tickets/$CI_INC" "$AGENT" | field serviceId)" = payroll ] || fail "$CI_INC did not take its one service"

run_block "Agent queues and search" 5
expect_statuses 200 201 200 200 200 400
[ "$(get "/tickets?view=$VIEW" "$AGENT" | field items.length)" -ge 0 ] || fail "the saved view $VIEW does not list"
wait_for "/tickets?q=vpn%20since" "$AGENT" items.0.id "$ID"

run_block "Changes" 6
expect_statuses 200 '20[01]' 201 200 200 200 200 200 # the group: 201 created, 200 on a second run
wait_for "/changes/$CHG" "$AGENT" status closed

mails_before=$(get /_local/outbox "$ADMIN_CHECK" | field items.length)
run_block "Email to ticket and attachments" 7
expect_statuses 200 200
# Mail sent since the block started (the API tickets had acknowledgements of their own before).
new_mail() {
  get /_local/outbox "$ADMIN_CHECK" |
    command node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s).items.slice(Number(process.argv[1])))))' "$mails_before"
}
for _ in $(seq 1 40); do
  [[ "$(new_mail)" == *'[INC-'*'VPN down'* ]] && break
  sleep 0.25
done
[[ "$(new_mail)" == *'[INC-'*'VPN down'* ]] || fail "no acknowledgement of the mailed ticket in the outbox: $(new_mail)"

run_block "Customer satisfaction" 8
expect_statuses 201 200 200 200 200 200 201 409 200 201 200 200 201 200
[ "$(get "/tickets/$CS/feedback" "$ALICE" | field rating)" = 5 ] || fail "$CS has no rating 5"
[ "$(get "/tickets/$CS2" "$ALICE" | field feedback.status)" = answered ] || fail "$CS2's survey is not answered"

run_block "Reports" 9
expect_statuses 200 200 200 200 200 200 200 200 400 202
csat=$(get "/reports/csat?from=$FROM&to=$TO" "$AGENT")
[ "$(field rows.0.responses <<<"$csat")" -ge 2 ] || fail "the CSAT report counts fewer than Alice's two answers: $csat"
incidents=$(get "/reports/incidents?from=$FROM&to=$TO" "$AGENT")
[ "$(field rows.0.resolved <<<"$incidents")" -ge 2 ] || fail "the incident report counts fewer than two resolutions: $incidents"

printf '\nThe README ran as written: every status and result as expected.\n'
