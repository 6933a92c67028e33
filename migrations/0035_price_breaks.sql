-- requires: 0003_suppliers
-- Price breaks: a supplier's rate may charge less per unit from a quantity on (from 100, from
-- 500, …). The rate's own cost_per_unit is its price below the first break (from 1); a break
-- is "from min_quantity units, cost_per_unit each", and a purchase of N units pays the price
-- of the largest break whose min_quantity is at most N (the rate's own price when none is).
-- A break belongs to its rate: deleting the rate deletes its breaks; its period, currency and
-- active flag are the rate's.

CREATE TABLE public.variant_supplier_price_breaks (
    rate_id integer NOT NULL REFERENCES public.variant_supplier_pricing (id) ON DELETE CASCADE,
    min_quantity numeric(12,3) NOT NULL,
    cost_per_unit numeric(12,2) NOT NULL,
    PRIMARY KEY (rate_id, min_quantity),
    CONSTRAINT variant_supplier_price_breaks_quantity_check CHECK (min_quantity > 1),
    CONSTRAINT variant_supplier_price_breaks_cost_check CHECK (cost_per_unit >= 0)
);

-- What one unit costs under rate `rate` (its own price `base`) when `quantity` units are bought:
-- the price of the largest break the quantity reaches, else the rate's own. One index probe
-- (the primary key) per call. No SET search_path (every name is qualified): a function with
-- one is never inlined into the query that calls it.
CREATE FUNCTION public.rate_price_at(rate integer, base numeric, quantity numeric) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$
SELECT coalesce((SELECT b.cost_per_unit FROM public.variant_supplier_price_breaks b
                  WHERE b.rate_id = rate AND b.min_quantity <= quantity
                  ORDER BY b.min_quantity DESC LIMIT 1), base)
$$;
