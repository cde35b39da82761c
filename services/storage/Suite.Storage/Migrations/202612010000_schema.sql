-- The schema's first migration: nothing but a marker that migrations run. Features add their own files after it,
-- named <yyyyMMddHHmm>_<what>.sql so that files written at the same time by different changes still apply in a fixed order.
SELECT 1;
