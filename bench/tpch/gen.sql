-- TPC-H data generator in SQL: deterministic, close to dbgen's value
-- distributions (TPC-H specification 2.18, clause 4.2.3), at the scale factor
-- in the setting tpch.sf (default 0.1: 600,000-odd lineitem rows).
--
--   psql -v ON_ERROR_STOP=1 -c "SET tpch.sf = '0.1'" -f schema.sql -f gen.sql
--   (or PGOPTIONS='-c tpch.sf=0.1' psql -f schema.sql -f gen.sql)
--
-- Pseudo-random values come from hashing (hashint8extended(key, salt)), not
-- from random(): the same scale factor gives the same rows whatever the plan,
-- parallel workers or order of evaluation. Everything runs in one session;
-- the helpers live in pg_temp and vanish with it. A final VACUUM ANALYZE
-- (run apart: it cannot be inside a transaction block) sets the statistics.
--
-- What follows dbgen, and what does not:
--  * row counts: supplier 10,000×SF, part 200,000×SF, partsupp 4 per part,
--    customer 150,000×SF, orders 1,500,000×SF with 1–7 lines each (uniform),
--    the 25 nations and 5 regions;
--  * sparse order keys (8 used of every 32), customers whose key is a
--    multiple of 3 have no orders, each part's 4 suppliers by dbgen's formula
--    and a lineitem's supplier one of its part's 4;
--  * dates: o_orderdate uniform in 1992-01-01 .. 1998-08-02, ship = order +
--    1..121 days, commit = order + 30..90, receipt = ship + 1..30; return flag
--    R/A for lines received by 1995-06-17, else N; line status F for lines
--    shipped by then, else O; order status F, O or P from its lines;
--  * p_name 5 distinct words of the 92 colours, p_mfgr/p_brand
--    Manufacturer#M/Brand#MN, the 150 types, 40 containers, sizes 1..50,
--    p_retailprice by dbgen's formula, l_extendedprice = quantity × it,
--    o_totalprice from the lines; quantities 1..50, discounts 0..0.10, taxes
--    0..0.08, the 5 priorities, 4 ship instructions, 7 ship modes, 5 market
--    segments, phones starting with nation key + 10, balances -999.99..9999.99;
--  * s_comment carries "Customer ... Complaints" (or Recommends) in about 5
--    of 10,000 suppliers each;
--  * comments are substrings of sentences of dbgen's words but not of its
--    grammar, so LIKE '%special%requests%' (Q13) matches a somewhat different
--    share of orders than dbgen's text does.

SET client_min_messages = warning;
-- JIT compiles for longer than these statements run.
SET jit = off;

CREATE TEMP TABLE tpch_n AS
SELECT sf,
       greatest(1, round(10000 * sf))::int   AS s,
       greatest(4, round(200000 * sf))::int  AS p,
       greatest(3, round(150000 * sf))::int  AS c,
       greatest(1, round(1500000 * sf))::int AS o,
       greatest(1, round(1000 * sf))::int    AS clerks
FROM (SELECT coalesce(nullif(current_setting('tpch.sf', true), ''), '0.1')::numeric AS sf) x;

-- u(k, salt): uniform in [0, 1); ri(k, salt, lo, hi): uniform integer in lo..hi.
CREATE FUNCTION pg_temp.u(k bigint, salt int) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$;

CREATE FUNCTION pg_temp.ri(k bigint, salt int, lo int, hi int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT lo + floor(((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 * (hi - lo + 1))::int $$;

-- pick(k, salt, list): one element of list, uniformly.
CREATE FUNCTION pg_temp.pick(k bigint, salt int, list text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT list[1 + floor(((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 * cardinality(list))::int] $$;

-- The text pool: 10,000 sentences of about 330 characters from dbgen's
-- vocabulary; a comment is a substring of one of them.
CREATE TEMP TABLE tpch_words AS SELECT i::int, w FROM unnest(ARRAY[
  'packages','requests','accounts','deposits','foxes','ideas','theodolites','pinto beans',
  'instructions','dependencies','excuses','platelets','asymptotes','courts','dolphins',
  'multipliers','sauternes','warthogs','frets','dinos','attainments','somas','patterns',
  'forges','braids','hockey players','frays','warhorses','dugouts','notornis','epitaphs',
  'pearls','tithes','waters','orbits','gifts','sheaves','depths','sentiments','decoys',
  'realms','pains','grouches','escapades',
  'sleep','wake','are','cajole','haggle','nag','use','boost','affix','detect','integrate',
  'maintain','nod','was','lose','sublate','solve','thrash','promise','engage','hinder',
  'print','x-ray','breach','eat','grow','impress','mold','poach','serve','run','dazzle',
  'snooze','doze','unwind','kindle','play','hang','believe','doubt',
  'special','pending','unusual','express','furious','sly','careful','blithe','quick',
  'fluffy','slow','quiet','ruthless','thin','close','dogged','daring','brave','stealthy',
  'permanent','enticing','idle','busy','regular','final','ironic','even','bold','silent',
  'sometimes','always','never','furiously','slyly','carefully','blithely','quickly',
  'fluffily','slowly','quietly','ruthlessly','thinly','closely','doggedly','daringly',
  'bravely','stealthily','permanently','enticingly','idly','busily','regularly','finally',
  'ironically','evenly','boldly','silently',
  'about','above','according to','across','after','against','along','among','around',
  'at','atop','before','behind','beneath','beside','between','beyond','by','despite',
  'during','except','for','from','inside','into','near','of','on','outside','over','past',
  'since','through','to','toward','under','until','up','upon','without','with','within'
]::text[]) WITH ORDINALITY AS x(w, i);
ANALYZE tpch_words;

CREATE TEMP TABLE tpch_text AS
SELECT id, string_agg(w.w, ' ' ORDER BY n) AS t
FROM generate_series(0, 9999) id CROSS JOIN generate_series(1, 48) n
JOIN tpch_words w ON w.i = 1 + floor(pg_temp.u(id * 64 + n, 7) * (SELECT count(*) FROM tpch_words))::int
GROUP BY id;
ANALYZE tpch_text;

-- cut(t, k, salt, minlen, maxlen): a comment of minlen..maxlen characters
-- cut from sentence t, which the statement joins as tpch_text with
-- id = ri(k, salt, 0, 9999).
CREATE FUNCTION pg_temp.cut(t text, k bigint, salt int, minlen int, maxlen int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT rtrim(substr(t, 1 + pg_temp.ri(k, salt + 1, 0, 100), pg_temp.ri(k, salt + 2, minlen, maxlen))) $$;

-- phone(k, salt, nation): dbgen's CC-xxx-xxx-xxxx with CC = nation + 10.
CREATE FUNCTION pg_temp.phone(k bigint, salt int, nation int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (nation + 10)::text || '-' || pg_temp.ri(k, salt, 100, 999) || '-' || pg_temp.ri(k, salt + 1, 100, 999)
             || '-' || pg_temp.ri(k, salt + 2, 1000, 9999) $$;

-- address(k, salt): dbgen's random v-string, 10 to 40 characters.
CREATE FUNCTION pg_temp.address(k bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT substr(md5(k::text || ':' || salt) || md5(salt::text || ':' || k), 1, pg_temp.ri(k, salt, 10, 40)) $$;

-- The supplier of a part: dbgen's PART_SUPP_BRIDGE, j in 0..3.
CREATE FUNCTION pg_temp.suppof(p bigint, j int, s int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((p + j * (s / 4 + (p - 1) / s)) % s + 1)::int $$;

-- dbgen's p_retailprice.
CREATE FUNCTION pg_temp.retail(p bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((90000 + ((p / 10) % 20001) + 100 * (p % 1000)) / 100.0)::numeric(15,2) $$;

INSERT INTO region (r_regionkey, r_name, r_comment)
SELECT k - 1, name, pg_temp.cut(tx.t, k, 10, 31, 115)
FROM unnest(ARRAY['AFRICA','AMERICA','ASIA','EUROPE','MIDDLE EAST']) WITH ORDINALITY AS r(name, k)
JOIN tpch_text tx ON tx.id = pg_temp.ri(k, 10, 0, 9999);

INSERT INTO nation (n_nationkey, n_name, n_regionkey, n_comment)
SELECT k - 1, name, region, pg_temp.cut(tx.t, k, 20, 31, 114)
FROM unnest(
  ARRAY['ALGERIA','ARGENTINA','BRAZIL','CANADA','EGYPT','ETHIOPIA','FRANCE','GERMANY','INDIA',
        'INDONESIA','IRAN','IRAQ','JAPAN','JORDAN','KENYA','MOROCCO','MOZAMBIQUE','PERU','CHINA',
        'ROMANIA','SAUDI ARABIA','VIETNAM','RUSSIA','UNITED KINGDOM','UNITED STATES'],
  ARRAY[0,1,1,1,4,0,3,3,2,2,4,4,2,4,0,0,0,1,2,3,4,2,3,3,1]) WITH ORDINALITY AS n(name, region, k)
JOIN tpch_text tx ON tx.id = pg_temp.ri(k, 20, 0, 9999);

INSERT INTO supplier
SELECT k, 'Supplier#' || lpad(k::text, 9, '0'), pg_temp.address(k, 30), nat,
       pg_temp.phone(k, 32, nat), pg_temp.ri(k, 35, -99999, 999999) / 100.0,
       CASE WHEN pg_temp.u(k, 36) < 0.0005 THEN left(c, 20) || ' Customer ' || substr(c, 21, 20) || ' Complaints ' || substr(c, 41, 20)
            WHEN pg_temp.u(k, 36) < 0.001  THEN left(c, 20) || ' Customer ' || substr(c, 21, 20) || ' Recommends ' || substr(c, 41, 20)
            ELSE c END
FROM (SELECT k, pg_temp.ri(k, 31, 0, 24) AS nat, pg_temp.cut(tx.t, k, 37, 25, 100) AS c
      FROM tpch_n, generate_series(1, tpch_n.s) k
      JOIN tpch_text tx ON tx.id = pg_temp.ri(k, 37, 0, 9999)) x;

INSERT INTO part
SELECT k,
       (SELECT string_agg(colors[1 + (start + i * step) % 92], ' ' ORDER BY i) FROM generate_series(0, 4) i),
       'Manufacturer#' || m, 'Brand#' || m || pg_temp.ri(k, 42, 1, 5),
       pg_temp.pick(k, 43, ARRAY['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO']) || ' ' ||
       pg_temp.pick(k, 44, ARRAY['ANODIZED','BURNISHED','PLATED','POLISHED','BRUSHED']) || ' ' ||
       pg_temp.pick(k, 45, ARRAY['TIN','NICKEL','BRASS','STEEL','COPPER']),
       pg_temp.ri(k, 46, 1, 50),
       pg_temp.pick(k, 47, ARRAY['SM','LG','MED','JUMBO','WRAP']) || ' ' ||
       pg_temp.pick(k, 48, ARRAY['CASE','BOX','BAG','JAR','PKG','PACK','CAN','DRUM']),
       pg_temp.retail(k), pg_temp.cut(tx.t, k, 49, 5, 22)
FROM (SELECT k, pg_temp.ri(k, 40, 0, 91) AS start,
             -- a step coprime with 92 (odd, not 23 or 69) makes the 5 words distinct
             (ARRAY[1,3,5,7,9,11,13,15,17,19,21,25,27,29,31,33,35,37,39,41,43,45])[pg_temp.ri(k, 41, 1, 22)] AS step,
             pg_temp.ri(k, 39, 1, 5) AS m,
             ARRAY['almond','antique','aquamarine','azure','beige','bisque','black','blanched','blue',
                   'blush','brown','burlywood','burnished','chartreuse','chiffon','chocolate','coral',
                   'cornflower','cornsilk','cream','cyan','dark','deep','dim','dodger','drab','firebrick',
                   'floral','forest','frosted','gainsboro','ghost','goldenrod','green','grey','honeydew',
                   'hot','indian','ivory','khaki','lace','lavender','lawn','lemon','light','lime','linen',
                   'magenta','maroon','medium','metallic','midnight','mint','misty','moccasin','navajo',
                   'navy','olive','orange','orchid','pale','papaya','peach','peru','pink','plum','powder',
                   'puff','purple','red','rose','rosy','royal','saddle','salmon','sandy','seashell',
                   'sienna','sky','slate','smoke','snow','spring','steel','tan','thistle','tomato',
                   'turquoise','violet','wheat','white','yellow'] AS colors
      FROM tpch_n, generate_series(1, tpch_n.p) k) x
JOIN tpch_text tx ON tx.id = pg_temp.ri(k, 49, 0, 9999);

INSERT INTO partsupp
SELECT k, pg_temp.suppof(k, j, tpch_n.s), pg_temp.ri(k * 4 + j, 50, 1, 9999),
       pg_temp.ri(k * 4 + j, 51, 100, 100000) / 100.0, pg_temp.cut(tx.t, k * 4 + j, 52, 49, 198)
FROM tpch_n, generate_series(1, tpch_n.p) k
CROSS JOIN generate_series(0, 3) j
JOIN tpch_text tx ON tx.id = pg_temp.ri(k * 4 + j, 52, 0, 9999);

INSERT INTO customer
SELECT k, 'Customer#' || lpad(k::text, 9, '0'), pg_temp.address(k, 60), nat,
       pg_temp.phone(k, 62, nat), pg_temp.ri(k, 65, -99999, 999999) / 100.0,
       pg_temp.pick(k, 66, ARRAY['AUTOMOBILE','BUILDING','FURNITURE','MACHINERY','HOUSEHOLD']),
       pg_temp.cut(tx.t, k, 67, 29, 116)
FROM (SELECT k, pg_temp.ri(k, 61, 0, 24) AS nat FROM tpch_n, generate_series(1, tpch_n.c) k) x
JOIN tpch_text tx ON tx.id = pg_temp.ri(k, 67, 0, 9999);

-- Order i (1..O) has key ((i-1)/8)*32 + (i-1)%8 + 1, date 1992-01-01 +
-- ri(i, 70, 0, 2405) and ri(i, 71, 1, 7) lines; lineitem is generated first
-- and orders take their status and total price from their lines.
INSERT INTO lineitem
SELECT okey, pkey, pg_temp.suppof(pkey, pg_temp.ri(lk, 82, 0, 3), s), ln, qty,
       qty * pg_temp.retail(pkey), disc, tax,
       CASE WHEN receipt <= date '1995-06-17' THEN (CASE WHEN pg_temp.u(lk, 83) < 0.5 THEN 'R' ELSE 'A' END) ELSE 'N' END,
       CASE WHEN ship > date '1995-06-17' THEN 'O' ELSE 'F' END,
       ship, commitd, receipt,
       pg_temp.pick(lk, 84, ARRAY['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN']),
       pg_temp.pick(lk, 85, ARRAY['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB']),
       pg_temp.cut(tx.t, lk, 86, 10, 43)
FROM (SELECT okey, lk, ln, s, pkey, qty, disc, tax, ship, commitd, ship + pg_temp.ri(lk, 81, 1, 30) AS receipt
      FROM (SELECT ((i - 1) / 8) * 32 + (i - 1) % 8 + 1 AS okey, i * 8 + ln AS lk, ln, tpch_n.s,
                   pg_temp.ri(i * 8 + ln, 72, 1, tpch_n.p) AS pkey,
                   pg_temp.ri(i * 8 + ln, 73, 1, 50)::numeric(15,2) AS qty,
                   pg_temp.ri(i * 8 + ln, 74, 0, 10) / 100.0 AS disc,
                   pg_temp.ri(i * 8 + ln, 75, 0, 8) / 100.0 AS tax,
                   od + pg_temp.ri(i * 8 + ln, 76, 1, 121) AS ship,
                   od + pg_temp.ri(i * 8 + ln, 77, 30, 90) AS commitd
            FROM tpch_n, generate_series(1, tpch_n.o) i,
                 LATERAL (SELECT date '1992-01-01' + pg_temp.ri(i, 70, 0, 2405) AS od) d,
                 LATERAL generate_series(1, pg_temp.ri(i, 71, 1, 7)) ln) a) b
JOIN tpch_text tx ON tx.id = pg_temp.ri(lk, 86, 0, 9999);

INSERT INTO orders
SELECT okey,
       -- customers whose key is a multiple of 3 never order
       (r / 2) * 3 + r % 2 + 1,
       CASE WHEN l.nf = l.n THEN 'F' WHEN l.nf = 0 THEN 'O' ELSE 'P' END,
       l.total, od,
       pg_temp.pick(i, 92, ARRAY['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW']),
       'Clerk#' || lpad(pg_temp.ri(i, 93, 1, tpch_n.clerks)::text, 9, '0'),
       0, pg_temp.cut(tx.t, i, 94, 19, 78)
FROM tpch_n, generate_series(1, tpch_n.o) i,
     LATERAL (SELECT ((i - 1) / 8) * 32 + (i - 1) % 8 + 1 AS okey,
                     date '1992-01-01' + pg_temp.ri(i, 70, 0, 2405) AS od,
                     pg_temp.ri(i, 91, 0, (tpch_n.c / 3) * 2 - 1) AS r, i AS oi) d
     JOIN (SELECT l_orderkey, count(*) AS n, count(*) FILTER (WHERE l_linestatus = 'F') AS nf,
                  round(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)), 2) AS total
           FROM lineitem GROUP BY l_orderkey) l ON l.l_orderkey = d.okey
     JOIN tpch_text tx ON tx.id = pg_temp.ri(d.oi, 94, 0, 9999);

DROP TABLE tpch_text, tpch_words, tpch_n;
