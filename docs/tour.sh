#!/usr/bin/env bash
# The five-minute tour of README.md, as a script. With `npm start` running in another terminal:
#   bash docs/tour.sh            (URL defaults to http://127.0.0.1:3000)
# CI runs it against a freshly started stack, so the README's tour cannot silently rot.
set -euo pipefail
URL=${URL:-http://127.0.0.1:${PORT:-3000}}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o?.[k],v))})' "$1"; }
step() { printf '\n== %s\n' "$*"; }

# 1. Tokens: an agent and a requester (the local API verifies them like API Gateway's JWT authorizer).
AGENT=$(npm run -s token -- ann agent --email ann@example.com --name "Ann Agent")
ALICE=$(npm run -s token -- alice requester --email alice@example.com --name "Alice")
H=(-H 'content-type: application/json')

step "Alice reports an incident"
ID=$(curl -sf -X POST "$URL/tickets" "${H[@]}" -H "Authorization: Bearer $ALICE" \
  -d '{"type":"incident","title":"VPN down","description":"Since 9:00, all of sales","impact":2,"urgency":1}' | json id)
echo "created $ID"

step "The agent lists new incidents"
curl -sf "$URL/tickets?type=incident&status=new" -H "Authorization: Bearer $AGENT" | json items.0.id

step "The agent takes it and asks Alice a question"
curl -sf -X PATCH "$URL/tickets/$ID" "${H[@]}" -H "Authorization: Bearer $AGENT" \
  -d '{"assignee":"ann","group":"service-desk","status":"in_progress"}' | json status
curl -sf -X POST "$URL/tickets/$ID/comments" "${H[@]}" -H "Authorization: Bearer $AGENT" \
  -d '{"body":"Which VPN client version do you run?"}' | json visibility
curl -sf -X PATCH "$URL/tickets/$ID" "${H[@]}" -H "Authorization: Bearer $AGENT" \
  -d '{"status":"on_hold","holdReason":"awaiting_customer"}' | json status

step "Alice answers; her reply puts the ticket back in progress"
curl -sf -X POST "$URL/tickets/$ID/comments" "${H[@]}" -H "Authorization: Bearer $ALICE" -d '{"body":"5.1.2"}' >/dev/null
curl -sf "$URL/tickets/$ID" -H "Authorization: Bearer $ALICE" | json status

step "An illegal move is refused with the allowed ones (409)"
curl -s -X PATCH "$URL/tickets/$ID" "${H[@]}" -H "Authorization: Bearer $AGENT" -d '{"status":"closed"}' | json allowed

step "The agent resolves it; Alice cannot see anyone else's tickets"
curl -sf -X PATCH "$URL/tickets/$ID" "${H[@]}" -H "Authorization: Bearer $AGENT" \
  -d '{"status":"resolved","resolution":{"code":"fixed","notes":"Rolled the gateway certificate"}}' | json resolvedAt
BOB=$(npm run -s token -- bob requester)
curl -s -o /dev/null -w '%{http_code}\n' "$URL/tickets/$ID" -H "Authorization: Bearer $BOB"

step "History: who changed what, when"
curl -sf "$URL/tickets/$ID/history" -H "Authorization: Bearer $AGENT" | json items.length

step "Events published from the table's stream (admin only)"
ADMIN=$(npm run -s token -- root admin)
sleep 1
curl -sf "$URL/_local/events?detailType=Ticket%20Status%20Changed" -H "Authorization: Bearer $ADMIN" | json items.length
