#!/usr/bin/env python3
"""Runs the TPC-H queries under several index sets side by side, interleaved,
in one run: the A/B measure bench/tpch/README.md reports ("Old and new sets
in one run"). The sets (SETS) name indexes of IX; every index is built, each
execution drops the ones its set lacks inside a transaction that is rolled
back, and all are dropped at the end. One warm-up round, 3 measured, medians.

    go run ./bench/tpch -sf 1 -print-queries > queries.sql
    PGHOST=/work/sf1 PGPORT=55432 PGUSER=postgres PGDATABASE=tpch \
        python3 bench/tpch/compare-sets.py queries.sql

It writes (builds and drops indexes): a benchmark database only.
"""
import subprocess, json, sys, statistics, math
P=['psql','-X','-q','-At']  # the connection: PGHOST, PGPORT, PGUSER, PGDATABASE
QUERIES=sys.argv[1] if len(sys.argv)>1 else 'queries.sql'
parts=open(QUERIES).read().split('-- Q')[1:]
TEXT={'Q'+p.split('\n',1)[0].strip(): p.split('\n',1)[1].strip().rstrip(';') for p in parts}
def run(sql):
    r=subprocess.run(P,input=sql,capture_output=True,text=True)
    if r.returncode: print(r.stderr, flush=True); return None
    return r.stdout
IX={
 'pk350':"on lineitem (l_partkey) include (l_discount,l_extendedprice,l_orderkey,l_quantity,l_shipdate,l_suppkey)",
 'pk295':"on lineitem (l_partkey) include (l_discount,l_extendedprice,l_orderkey,l_quantity,l_suppkey)",
 'oq':"on lineitem (l_orderkey) include (l_quantity)",
 'o7':"on lineitem (l_orderkey) include (l_discount,l_extendedprice,l_shipdate,l_suppkey)",
 'ok5':"on lineitem (l_orderkey) include (l_discount,l_extendedprice,l_quantity,l_shipdate,l_suppkey)",
 'sd295':"on lineitem (l_shipdate) include (l_discount,l_extendedprice,l_partkey,l_quantity,l_suppkey)",
 'sd350':"on lineitem (l_shipdate) include (l_discount,l_extendedprice,l_orderkey,l_partkey,l_quantity,l_suppkey)",
 'ps':"on partsupp (ps_suppkey) include (ps_availqty,ps_partkey,ps_supplycost)",
}
SETS={'none':[], 'old05':['pk350','oq','ps'], 'new05':['pk295','ok5','ps'], 'old1':['pk350','sd295','oq','o7','ps'], 'new1':['pk350','ok5','sd350','ps']}
for n,ddl in IX.items():
    run(f"set maintenance_work_mem='256MB'; create index if not exists zz_{n} {ddl};")
run("vacuum analyze lineitem; vacuum analyze partsupp;")
print('built', flush=True)
qs=[f'Q{i}' for i in range(1,23) if i not in (2,17,20)]
variants=list(SETS)
res={(q,v):[] for q in qs for v in variants}
try:
  for rnd in range(4):
    for qi,q in enumerate(qs):
        body=TEXT[q]
        k=(rnd+qi)%len(variants)
        for v in variants[k:]+variants[:k]:
            drops=' '.join(f'drop index zz_{n};' for n in IX if n not in SETS[v])
            out=run(f"set statement_timeout='60s'; begin; {drops} explain (analyze, timing off, format json) {body}; rollback;")
            if out is None: continue
            ms=json.loads(out[out.index('['):])[0]['Execution Time']
            if rnd>0: res[(q,v)].append(ms)
    print('round',rnd,flush=True)
finally:
  for n in IX: run(f"drop index if exists zz_{n};")
med={k:statistics.median(v) for k,v in res.items() if v}
for v in variants:
    tot=sum(med[(q,v)] for q in qs); base=sum(med[(q,'none')] for q in qs)
    geo=math.exp(sum(math.log(med[(q,v)]/med[(q,'none')]) for q in qs)/len(qs))
    slow=[f"{q}({med[(q,v)]/med[(q,'none')]:.2f})" for q in qs if med[(q,v)]/med[(q,'none')]>1.1]
    print(f"{v}: sum {tot:.0f} ratio {tot/base:.3f} geo {geo:.3f} slower {slow}")
for q in qs:
    print(q, ' '.join(f"{v}:{med[(q,v)]/med[(q,'none')]:.2f}" for v in variants))
