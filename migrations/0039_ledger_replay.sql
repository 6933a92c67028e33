-- requires: 0028_ledger_totals 0037_receipt_charges
-- Back-dated entries: the stock ledger's order is (created_at, id), and an entry may be placed
-- in the past (a receipt received on an earlier day, a charge added later to a receipt). The
-- entries after it are then valued again, in the same transaction, by the rules every entry
-- is valued by (migration 0017): ledger_replay below.
--
-- entered_at: when a row placed in the past was really entered (NULL: at created_at). Nullable
-- without a default, so adding it rewrites no row of the ledger (5,000,000 rows) and holds its
-- lock for a moment only.

ALTER TABLE public.inventory_transactions ADD COLUMN entered_at timestamp with time zone;

-- Values a variant's ledger again from the row at (p_at, p_id) on, in the ledger's order, one
-- pass (the index on (variant_id, created_at)): the stock and value before that row are the
-- sums of the rows before it (no value when the last of them has none), then each row by the
-- rules postStock values a new one by: what comes in at a cost of its own (a receipt, finished
-- goods, an opening at a cost) adds quantity × cost; a receipt reversed leaves at its own cost,
-- never taking more than there is; anything else takes its share of the value at the moment
-- (to a millionth; the last unit out takes what is left); nothing is valued while the stock has
-- no cost; a revaluation row values only stock that still has no cost (else it moves 0); a
-- landed_cost row adds its value. The rows whose unit cost or value changed are written in
-- one UPDATE, then the variant's stock and value. p_ids and p_costs (in ledger order) give rows
-- a new cost of their own (the output rows of lots costed again): written with their value in
-- the same UPDATE.
--
-- Answers status 'ok' with the stock and value left and the lots whose 'production' rows
-- changed value (their actual cost moves: the caller costs them again); 'negative' (only when
-- p_guard) with the first row after which stock would be below zero, and the stock there; or
-- 'unvalued' with the row that cannot be valued (stock without a cost given a first cost with
-- no revaluation row to carry it; a landed cost on stock without a cost). Either refusal
-- writes nothing: the caller refuses the whole change.
CREATE FUNCTION public.ledger_replay(p_variant integer, p_at timestamp with time zone, p_id bigint, p_guard boolean,
                                     p_ids bigint[] DEFAULT '{}', p_costs numeric[] DEFAULT '{}')
    RETURNS TABLE (status text, place timestamp with time zone, stock numeric, stock_value numeric, lots integer[], rows_read integer, rows_changed integer)
    LANGUAGE plpgsql
    AS $$
DECLARE
    s numeric;
    v numeric;
    last_value numeric;
    has_last boolean;
    r record;
    uc numeric;
    j integer := 1;
    own boolean;
    c numeric;
    x numeric;
    -- the first cost of a receipt whose revaluation row follows it (rows written before 0039)
    pending numeric;
    n integer := 0;
    k integer := 0;
    nl integer := 0;
    ids bigint[] := '{}';
    costs numeric[] := '{}';
    vals numeric[] := '{}';
    moved_lots integer[] := '{}';
BEGIN
    SELECT coalesce(sum(t.quantity), 0), sum(t.value) INTO s, v
      FROM public.inventory_transactions t
     WHERE t.variant_id = p_variant AND t.created_at <= p_at AND (t.created_at < p_at OR t.id < p_id);
    SELECT t.value, true INTO last_value, has_last
      FROM public.inventory_transactions t
     WHERE t.variant_id = p_variant AND t.created_at <= p_at AND (t.created_at < p_at OR t.id < p_id)
     ORDER BY t.created_at DESC, t.id DESC LIMIT 1;
    IF has_last IS NULL OR last_value IS NULL THEN
        v := NULL;
    END IF;
    FOR r IN
        SELECT t.id, t.created_at, t.transaction_type AS type, t.quantity AS q, t.unit_cost, t.value, t.production_lot_id AS lot
          FROM public.inventory_transactions t
         WHERE t.variant_id = p_variant AND t.created_at >= p_at AND (t.created_at > p_at OR t.id >= p_id)
         ORDER BY t.created_at, t.id
    LOOP
        n := n + 1;
        uc := r.unit_cost;
        IF j <= cardinality(p_ids) AND p_ids[j] = r.id THEN
            uc := p_costs[j];
            j := j + 1;
        END IF;
        IF r.type = 'revaluation' THEN
            c := uc;
            IF pending IS NOT NULL THEN
                x := pending;
                pending := NULL;
            ELSIF v IS NULL AND s <> 0 THEN
                x := s * c;
                v := x;
            ELSE
                x := 0;
            END IF;
        ELSE
            IF pending IS NOT NULL THEN
                RETURN QUERY SELECT 'unvalued'::text, r.created_at, s, v, NULL::integer[], n, 0;
                RETURN;
            END IF;
            own := uc IS NOT NULL AND r.type IN ('receipt', 'output', 'opening');
            IF r.type = 'landed_cost' THEN
                IF v IS NULL THEN
                    RETURN QUERY SELECT 'unvalued'::text, r.created_at, s, v, NULL::integer[], n, 0;
                    RETURN;
                END IF;
                c := NULL;
                x := r.value;
                v := v + x;
            ELSIF own AND r.q > 0 THEN
                c := uc;
                x := r.q * c;
                IF v IS NULL THEN
                    IF s <> 0 THEN
                        pending := s * c;
                    END IF;
                    v := coalesce(pending, 0) + x;
                ELSE
                    v := v + x;
                END IF;
            ELSIF v IS NULL OR s <= 0 THEN
                c := NULL;
                x := NULL;
                v := NULL;
            ELSIF own THEN
                c := uc;
                x := CASE WHEN s + r.q = 0 THEN -v ELSE greatest(r.q * c, -v) END;
                v := v + x;
            ELSE
                c := round(v / s, 6);
                x := CASE WHEN s + r.q = 0 THEN -v ELSE round(r.q * v / s, 6) END;
                v := v + x;
            END IF;
        END IF;
        s := s + r.q;
        IF p_guard AND s < 0 THEN
            RETURN QUERY SELECT 'negative'::text, r.created_at, s, v, NULL::integer[], n, 0;
            RETURN;
        END IF;
        IF c IS DISTINCT FROM r.unit_cost OR x IS DISTINCT FROM r.value THEN
            k := k + 1;
            ids[k] := r.id;
            costs[k] := c;
            vals[k] := x;
            IF r.type = 'production' AND r.lot IS NOT NULL AND x IS DISTINCT FROM r.value THEN
                nl := nl + 1;
                moved_lots[nl] := r.lot;
            END IF;
        END IF;
    END LOOP;
    IF pending IS NOT NULL THEN
        RETURN QUERY SELECT 'unvalued'::text, NULL::timestamptz, s, v, NULL::integer[], n, 0;
        RETURN;
    END IF;
    IF j <= cardinality(p_ids) THEN
        RAISE EXCEPTION 'ledger_replay: row % given a cost is not a row of variant % from the place given, in ledger order', p_ids[j], p_variant;
    END IF;
    IF k > 0 THEN
        UPDATE public.inventory_transactions t SET unit_cost = u.c, value = u.x
          FROM unnest(ids, costs, vals) AS u(id, c, x)
         WHERE t.id = u.id;
    END IF;
    UPDATE public.item_variant iv SET stock = s, stock_value = v WHERE iv.variant_id = p_variant;
    RETURN QUERY SELECT 'ok'::text, NULL::timestamptz, s, v, moved_lots, n, k;
END;
$$;
