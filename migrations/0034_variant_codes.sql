-- requires: 0002_items
-- transaction: off
-- A variant's code (SKU) and barcode, both optional (issue 21 point 6). A code is unique among
-- live variants whatever its case: a unique index on lower(code), not citext, because citext is
-- an extension PGlite loads only when asked and the item search already folds with lower(); the
-- index is text_pattern_ops so that it answers a code's prefix (a range of bytes) as well as the
-- code itself. A barcode is unique as the scanner sends it (EAN digits, or Code 128 text). Both
-- are stored trimmed, without white space (a search word never has any), up to 40 and 64
-- characters; the app says so first, the checks back it up.
-- Built as 0025/0031 built theirs: item_variant has 1M rows in the benches and is written
-- while the indexes build (CONCURRENTLY, out of a transaction; a failed build leaves an invalid
-- index, which the DROP clears when the migration runs again). The new columns are NULL
-- everywhere: adding them rewrites nothing, and the checks are validated without blocking writes.
ALTER TABLE public.item_variant ADD COLUMN IF NOT EXISTS code text;
ALTER TABLE public.item_variant ADD COLUMN IF NOT EXISTS barcode text;

ALTER TABLE public.item_variant DROP CONSTRAINT IF EXISTS item_variant_code_check;
ALTER TABLE public.item_variant ADD CONSTRAINT item_variant_code_check
    CHECK (code IS NULL OR (char_length(code) <= 40 AND code ~ '^[^[:space:][:cntrl:]]+$')) NOT VALID;
ALTER TABLE public.item_variant VALIDATE CONSTRAINT item_variant_code_check;
ALTER TABLE public.item_variant DROP CONSTRAINT IF EXISTS item_variant_barcode_check;
ALTER TABLE public.item_variant ADD CONSTRAINT item_variant_barcode_check
    CHECK (barcode IS NULL OR (char_length(barcode) <= 64 AND barcode ~ '^[^[:space:][:cntrl:]]+$')) NOT VALID;
ALTER TABLE public.item_variant VALIDATE CONSTRAINT item_variant_barcode_check;

DROP INDEX CONCURRENTLY IF EXISTS public.idx_item_variant_code;
CREATE UNIQUE INDEX CONCURRENTLY idx_item_variant_code
    ON public.item_variant (lower(code) text_pattern_ops) WHERE code IS NOT NULL AND deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS public.idx_item_variant_barcode;
CREATE UNIQUE INDEX CONCURRENTLY idx_item_variant_barcode
    ON public.item_variant (barcode) WHERE barcode IS NOT NULL AND deleted_at IS NULL;
