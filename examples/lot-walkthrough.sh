#!/usr/bin/env bash
# From nothing to a completed production lot through the HTTP API, with curl: materials and
# stock, suppliers and rates, a process with a substitute group, its cost, a lot of 10 run to
# completion, and where the stock went. Run it against a fresh MTC (README: "From a process
# to a completed lot"); test/cli/walkthrough.test.ts runs it on every `npm test`.
#   API=http://127.0.0.1:3000 EMAIL=admin@localhost PASSWORD=… examples/lot-walkthrough.sh
set -euo pipefail
API=${API:-http://127.0.0.1:3000}
# An admin: the first one npm start made (its password was shown once), or one made with `npx mtc user add`.
EMAIL=${EMAIL:-admin@localhost}; PASSWORD=${PASSWORD:?the admin password}
# j EXPR: picks from the JSON answer on standard input, called x (node is there: MTC needs it).
j() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=new Function("x","return "+process.argv[1])(JSON.parse(s));console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

# Log in, make an API token for the rest (shown once), and call with it.
COOKIES=$(mktemp); trap 'rm -f "$COOKIES"' EXIT
LOGIN=$(curl -sS --fail-with-body -c "$COOKIES" -H 'content-type: application/json' -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" $API/api/auth/login)
CSRF=$(echo "$LOGIN" | j x.csrfToken)
TOKEN=$(curl -sS --fail-with-body -b "$COOKIES" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' -d '{"name": "walkthrough"}' $API/api/tokens | j x.token)
post() { curl -sS --fail-with-body -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$2" "$API$1"; }
get() { curl -sS --fail-with-body -H "authorization: Bearer $TOKEN" "$API$1"; }

# 1. Materials: a frame, and two saddles that can stand in for each other, with stock.
FRAME=$(post /api/items '{"name": "Steel frame", "category": "Frames"}' | j x.itemId)
FRAME_V=$(post /api/items/$FRAME/variants '{"color": "Black", "size": "M", "unit": "pcs"}' | j x.variantId)
SADDLE=$(post /api/items '{"name": "Saddle", "category": "Saddles"}' | j x.itemId)
SADDLE_LEATHER=$(post /api/items/$SADDLE/variants '{"color": "Brown", "size": "Leather", "unit": "pcs"}' | j x.variantId)
SADDLE_FOAM=$(post /api/items/$SADDLE/variants '{"color": "Black", "size": "Foam", "unit": "pcs"}' | j x.variantId)
for v in $FRAME_V $SADDLE_LEATHER $SADDLE_FOAM; do
  post /api/stock/movements "{\"variantId\": $v, \"type\": \"opening\", \"quantity\": \"50\"}" > /dev/null
done

# 2. Suppliers and their rates: costing takes the dearest active rate (worst case) and the cheapest (best).
ACME=$(post /api/suppliers '{"firmName": "Acme Tubes"}' | j x.supplierId)
BOLT=$(post /api/suppliers '{"firmName": "Bolt & Sons"}' | j x.supplierId)
rate() { post /api/rates "{\"supplierId\": $1, \"variantId\": $2, \"costPerUnit\": \"$3\", \"currency\": \"INR\", \"effectiveFrom\": \"2025-01-01\"}" > /dev/null; }
rate $ACME $FRAME_V 1200.00; rate $BOLT $FRAME_V 1150.00
rate $ACME $SADDLE_LEATHER 450.00; rate $BOLT $SADDLE_FOAM 180.00

# 3. A process: one step from the subprocess library, a frame, a saddle group, labour; freight once per lot.
ASSEMBLY=$(post /api/subprocesses '{"name": "Assembly", "labourCost": "150.00"}' | j x.subprocessId)
PROCESS=$(post /api/processes "{\"name\": \"City bicycle\", \"salesPrice\": \"2500.00\",
  \"steps\": [{\"subprocessId\": $ASSEMBLY, \"lines\": [{\"variantId\": $FRAME_V, \"quantity\": \"1\"}],
    \"groups\": [{\"name\": \"Saddle\", \"alternatives\": [{\"variantId\": $SADDLE_LEATHER, \"quantity\": \"1\"}, {\"variantId\": $SADDLE_FOAM, \"quantity\": \"1\"}]}]}],
  \"additionalCosts\": [{\"costType\": \"transport\", \"amount\": \"500.00\", \"isFixed\": true}]}" | j x.processId)
post /api/processes/$PROCESS/activate '{}' > /dev/null

# 4. What it costs: one bicycle, and a run of 10 (the freight spread over the run).
get /api/processes/$PROCESS/cost | j x.total
get "/api/processes/$PROCESS/cost?quantity=10" | j x.unit

# 5. A lot of 10: its estimate is frozen now; choose the foam saddle, check stock, run it.
GROUP=$(get /api/processes/$PROCESS | j 'x.steps[0].groups[0].groupId')
LOT=$(post /api/lots "{\"processId\": $PROCESS, \"quantity\": 10}" | j x.lotId)
curl -sS --fail-with-body -X PUT -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"selections\": [{\"groupId\": $GROUP, \"variantId\": $SADDLE_FOAM}]}" $API/api/lots/$LOT/selections > /dev/null
get /api/lots/$LOT/stock-check | j 'x.needs.map(n => `${n.item}: needs ${n.needed}, has ${n.available}`)'
for step in ready start complete; do post /api/lots/$LOT/$step '{}' | j x.status; done

# 6. What it cost against the estimate, and where the stock went.
get /api/lots/$LOT | j '[x.lotNumber, x.worstCaseEstimatedCost, x.actualCost, x.costVariance]'
get /api/variants/$SADDLE_FOAM/ledger | j 'x.entries.map(e => `${e.type} ${e.quantity}`)'
