#!/usr/bin/env bash
# From nothing to finished goods in stock through the HTTP API, with curl: materials,
# suppliers and their rates, a purchase order sent and received (the materials into stock at
# the price paid), a process that makes a bicycle, its cost, a lot of 10 run to completion,
# where the stock went and what it is worth. Run it against a fresh MTC (README: "From a
# purchase order to finished goods"); test/cli/walkthrough.test.ts runs it on every `npm test`.
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

# 1. Materials: a frame, and two saddles that can stand in for each other; and the bicycle made of them.
FRAME=$(post /api/items '{"name": "Steel frame", "category": "Frames"}' | j x.itemId)
FRAME_V=$(post /api/items/$FRAME/variants '{"color": "Black", "size": "M", "unit": "pcs"}' | j x.variantId)
SADDLE=$(post /api/items '{"name": "Saddle", "category": "Saddles"}' | j x.itemId)
SADDLE_LEATHER=$(post /api/items/$SADDLE/variants '{"color": "Brown", "size": "Leather", "unit": "pcs"}' | j x.variantId)
SADDLE_FOAM=$(post /api/items/$SADDLE/variants '{"color": "Black", "size": "Foam", "unit": "pcs"}' | j x.variantId)
BIKE=$(post /api/items '{"name": "City bicycle", "category": "Bicycles"}' | j x.itemId)
BIKE_V=$(post /api/items/$BIKE/variants '{"color": "Black", "size": "M", "unit": "pcs"}' | j x.variantId)

# 2. Suppliers and their rates: costing takes the dearest active rate (worst case) and the cheapest (best).
ACME=$(post /api/suppliers '{"firmName": "Acme Tubes"}' | j x.supplierId)
BOLT=$(post /api/suppliers '{"firmName": "Bolt & Sons"}' | j x.supplierId)
rate() { post /api/rates "{\"supplierId\": $1, \"variantId\": $2, \"costPerUnit\": \"$3\", \"currency\": \"INR\", \"effectiveFrom\": \"2025-01-01\"}" > /dev/null; }
rate $ACME $FRAME_V 1200.00; rate $BOLT $FRAME_V 1150.00
rate $ACME $SADDLE_LEATHER 450.00; rate $BOLT $SADDLE_FOAM 180.00

# 3. Buy: an order to Bolt & Sons at its rates (2 % off the frames, 12 % GST), sent, then received in full.
PO=$(post /api/purchase-orders "{\"supplierId\": $BOLT, \"lines\": [
  {\"variantId\": $FRAME_V, \"quantity\": \"50\", \"taxRate\": \"12\", \"discountRate\": \"2\"},
  {\"variantId\": $SADDLE_FOAM, \"quantity\": \"50\", \"taxRate\": \"12\"}]}")
PO_ID=$(echo "$PO" | j x.purchaseOrderId)
echo "$PO" | j 'x.lines.map(l => `${l.item} ${l.quantity} at ${l.unitPrice} less ${l.discountRate} %: ${l.total}`)'
post /api/purchase-orders/$PO_ID/send '{}' | j '[x.status, x.total]'
post /api/goods-receipts "{\"purchaseOrderId\": $PO_ID, \"billNumber\": \"BS-1001\", \"taxPercentage\": \"12\", \"lines\": [
  {\"poLineId\": $(echo "$PO" | j 'x.lines[0].lineId'), \"quantity\": \"50\"}, {\"poLineId\": $(echo "$PO" | j 'x.lines[1].lineId'), \"quantity\": \"50\"}]}" \
  | j 'x.lines.map(l => `${l.item} ${l.quantity} at ${l.unitCost}`)'
get /api/purchase-orders/$PO_ID | j x.status

# 4. A process that makes the bicycle: one step from the subprocess library, a frame, a saddle group, labour; freight once per lot.
ASSEMBLY=$(post /api/subprocesses '{"name": "Assembly", "labourCost": "150.00"}' | j x.subprocessId)
PROCESS=$(post /api/processes "{\"name\": \"City bicycle\", \"salesPrice\": \"2500.00\", \"outputVariantId\": $BIKE_V,
  \"steps\": [{\"subprocessId\": $ASSEMBLY, \"lines\": [{\"variantId\": $FRAME_V, \"quantity\": \"1\"}],
    \"groups\": [{\"name\": \"Saddle\", \"alternatives\": [{\"variantId\": $SADDLE_LEATHER, \"quantity\": \"1\"}, {\"variantId\": $SADDLE_FOAM, \"quantity\": \"1\"}]}]}],
  \"additionalCosts\": [{\"costType\": \"transport\", \"amount\": \"500.00\", \"isFixed\": true}]}" | j x.processId)
post /api/processes/$PROCESS/activate '{}' > /dev/null

# 5. What it costs at the rates: one bicycle, and a run of 10 (the freight spread over the run).
get /api/processes/$PROCESS/cost | j x.total
get "/api/processes/$PROCESS/cost?quantity=10" | j x.unit

# 6. A lot of 10: its estimate is frozen now; choose the foam saddle, check stock, run it.
GROUP=$(get /api/processes/$PROCESS | j 'x.steps[0].groups[0].groupId')
LOT=$(post /api/lots "{\"processId\": $PROCESS, \"quantity\": 10}" | j x.lotId)
curl -sS --fail-with-body -X PUT -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"selections\": [{\"groupId\": $GROUP, \"variantId\": $SADDLE_FOAM}]}" $API/api/lots/$LOT/selections > /dev/null
get /api/lots/$LOT/stock-check | j 'x.needs.map(n => `${n.item}: needs ${n.needed}, has ${n.available}`)'
for step in ready start complete; do post /api/lots/$LOT/$step '{}' | j x.status; done

# 7. What it cost against the estimate (materials at the price paid), the bicycles it made, and where the stock went.
get /api/lots/$LOT | j '[x.lotNumber, x.worstCaseEstimatedCost, x.actualCost, x.costVariance, x.outputQuantity, x.outputUnitCost]'
get /api/variants/$SADDLE_FOAM/ledger | j 'x.entries.map(e => `${e.type} ${e.quantity}`)'

# 8. What the stock is worth now: the bicycles at the lot's actual cost, what is left of the materials at the price paid.
get /api/stock/value | j 'x.rows.map(r => `${r.name}: ${r.stock} worth ${r.value}`).concat(`total ${x.total.value}`)'
