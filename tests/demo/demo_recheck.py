"""The rules of rules.md recomputed in plain DuckDB SQL over the files a demo wrote.

An independent reading of the generated files: the demo's summary says which
alerts the data should raise; this module derives them again from the files
alone, rule by rule, so a test can hold the two against each other. It knows
nothing of the generator; it follows rules.md and the default thresholds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from jicai.contract.schemas import TABLES
from jicai.policy.calendar import WorkCalendar

Key = tuple[object, ...]


def connect(data: Path, as_of: date) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in TABLES:
        if (data / name).is_dir():
            source = f"read_parquet('{data / name}/*.parquet')"
        elif (data / f"{name}.parquet").exists():
            source = f"read_parquet('{data / name}.parquet')"
        elif (data / f"{name}.csv").exists():
            types = ", ".join(f"'{c.name}': '{c.duckdb_type}'" for c in TABLES[name].columns)
            source = f"read_csv('{data / name}.csv', header = true, columns = {{{types}}})"
        else:
            continue
        con.execute(f"create view {name} as select * from {source}")
    con.register("calendar", WorkCalendar.load().table(range(as_of.year - 2, as_of.year + 2)))
    con.execute("create table cal as select * from calendar")
    con.execute(f"create macro as_of() as date '{as_of}'")
    con.execute("create macro as_of_end() as (as_of() + interval 1 day)::timestamp")
    # the n-th working day after d
    con.execute("""create macro add_wd(d, n) as (
        select min(c2.day) from cal c1, cal c2
        where c1.day = d and c2.is_workday and c2.workday_index = c1.workday_index + n)""")
    return con


def keys(con: duckdb.DuckDBPyConnection, sql: str) -> set[Key]:
    return {tuple(row) for row in con.execute(sql).fetchall()}


ORDER_RULES = {
    "order.unresponded_48h": """
        select order_line_id from orders where status = 'ordered'
        and coalesce(responded_at, as_of_end()) - ordered_at > interval 48 hour""",
    "delivery.overdue": """
        select order_line_id from orders where status = 'ordered' and responded_at is not null
        and coalesce(delivered_at, as_of_end()) - ordered_at > interval 72 hour""",
    "price.above_listing": """
        select o.order_line_id from orders o asof join listing_prices l
          on o.product_code = l.product_code and o.ordered_at::date >= l.effective_date
        where o.on_platform and o.status = 'ordered' and o.unit_price > l.price + 0.005""",
    "payment.overdue": """
        with due as (
          select order_line_id, amount,
                 last_day(date_trunc('month', received_at) + interval 1 month)::date as due
          from orders where status = 'ordered' and received_at is not null)
        select d.order_line_id from due d left join payments p
          on p.order_line_id = d.order_line_id and p.paid_at <= d.due
        where d.due < as_of()
        group by d.order_line_id, d.amount having coalesce(sum(p.amount), 0) < d.amount""",
    "order.escalation_24h": """
        with late as (
          select order_line_id, ordered_at, coalesce(responded_at, as_of_end()) as answered,
                 (ordered_at + interval 48 hour)::date as mark_day
          from orders where status = 'ordered'
          and coalesce(responded_at, as_of_end()) - ordered_at > interval 48 hour)
        select order_line_id from late
        where answered > (add_wd(mark_day, 1) + interval 2 day)::timestamp""",
}

OTHER_RULES = {
    "online.rate_low": """
        select o.institution_code, p.category from orders o join products p using (product_code)
        where o.status = 'ordered' and year(o.ordered_at) = year(as_of())
          and p.category in ('drug', 'hv_consumable')
        group by all
        having sum(o.amount) filter (o.on_platform) / sum(o.amount)
               < case p.category when 'drug' then 0.90 else 0.80 end""",
    "filing.late": "select filing_id from filings where filed_at > add_wd(purchased_at, 7)",
    "ticket.reply_overdue": """
        select ticket_id from tickets where
          case when replied_at is null then as_of() > add_wd(reported_at::date, 2)
               else replied_at::date > add_wd(reported_at::date, 2) end""",
    "ticket.commitment_too_long": """
        select ticket_id from tickets
        where committed_by > add_wd(replied_at::date, 5)""",
    "ticket.resolution_overdue": """
        select ticket_id from tickets where committed_by is not null and
          case when resolved_at is null then as_of() > committed_by
               else resolved_at::date > committed_by end""",
    "price.nonwinning_above_cap": """
        select distinct product_code from listing_prices where price > price_cap""",
    "agreement.unsigned": """
        select distinct a.batch_code, a.cycle_no, a.institution_code, a.company_code
        from agreed_volumes a join batches b using (batch_code, cycle_no)
        where as_of() > b.start_date + 30 and not exists (
          select 1 from agreements g where g.batch_code = a.batch_code
            and g.cycle_no = a.cycle_no and g.institution_code = a.institution_code
            and g.company_code = a.company_code and g.signed_at <= b.start_date + 30)""",
    "demand.below_history": """
        select f.batch_code, f.cycle_no, f.institution_code, f.variety_code
        from demand_filings f join batches b using (batch_code, cycle_no)
        join historical_volumes h on h.institution_code = f.institution_code
          and h.variety_code = f.variety_code and h.year = year(b.start_date) - 1
        where f.reported_units < 1.0 * h.units""",
    "demand.missing": """
        select b.batch_code, b.cycle_no, h.institution_code, h.variety_code
        from batches b
        join (select distinct a.batch_code, p.variety_code from awards a
              join products p using (product_code)) v using (batch_code)
        join historical_volumes h on h.variety_code = v.variety_code
          and h.year = year(b.start_date) - 1 and h.units > 0
        where b.start_date <= as_of() and not exists (
          select 1 from demand_filings f where f.batch_code = b.batch_code
            and f.cycle_no = b.cycle_no and f.institution_code = h.institution_code
            and f.variety_code = h.variety_code)""",
    "filing.amount_over_limit": """
        with ordered as (
          select o.institution_code, p.category in ('consumable', 'hv_consumable') as cons,
                 sum(o.amount) as amount
          from orders o join products p using (product_code)
          where o.status = 'ordered' and year(o.ordered_at) = year(as_of()) group by all),
        filed as (
          select institution_code, category in ('consumable', 'hv_consumable') as cons,
                 sum(amount) as amount from filings
          where not is_negotiated and not is_hk_macau and year(purchased_at) = year(as_of())
          group by all)
        select f.institution_code, case when f.cons then 'consumable' else 'drug' end
        from filed f join ordered o using (institution_code, cons)
        where f.amount / o.amount > case when f.cons then 0.05 else 0.01 end""",
}

# Units of each agreed (batch, cycle, institution, variety) inside the cycle window.
PROGRESS = """
create or replace table progress as
with av as (
  select batch_code, cycle_no, institution_code, variety_code, sum(agreed_units) as agreed
  from agreed_volumes group by all),
win as (
  select av.*, b.start_date, b.end_date, least(as_of(), b.end_date) as last_day,
         (least(as_of(), b.end_date) - b.start_date + 1) / (b.end_date - b.start_date + 1)
           as schedule
  from av join batches b using (batch_code, cycle_no) where b.start_date <= as_of()),
low as (
  select a.batch_code, p.variety_code, min(a.award_price / p.units_per_pack) as unit
  from awards a join products p using (product_code) where a.role = 'winning' group by all),
lines as (
  select w.batch_code, w.cycle_no, w.institution_code, w.variety_code,
         o.qty_packs * p.units_per_pack as units, coalesce(aw.role, 'nonwinning') as role,
         o.ordered_at::date > w.last_day - 60 as recent,
         aw.role is distinct from 'winning' and exists (
           select 1 from exemptions e where e.kind = 'supply_problem'
             and e.variety_code = w.variety_code
             and coalesce(e.institution_code, o.institution_code) = o.institution_code
             and o.ordered_at::date between e.start_date and e.end_date)
         or aw.role is null and p.quality_equivalent
            and o.unit_price / p.units_per_pack <= low.unit as excluded
  from win w
  join orders o on o.institution_code = w.institution_code and o.status = 'ordered'
   and o.ordered_at::date between w.start_date and w.last_day
  join products p on p.product_code = o.product_code and p.variety_code = w.variety_code
  left join awards aw on aw.batch_code = w.batch_code and aw.product_code = o.product_code
  left join low on low.batch_code = w.batch_code and low.variety_code = w.variety_code)
select w.*,
  coalesce(sum(units) filter (role = 'winning'), 0) as winning,
  coalesce(sum(units) filter (role = 'backup' and not excluded), 0) as backup,
  coalesce(sum(units) filter (role = 'nonwinning' and not excluded), 0) as nonwinning,
  coalesce(sum(units) filter (role = 'winning' and recent), 0) as recent_winning,
  exists (select 1 from exemptions e where e.kind = 'clinical_change'
          and e.variety_code = w.variety_code
          and coalesce(e.institution_code, w.institution_code) = w.institution_code
          and e.start_date <= w.last_day and e.end_date >= w.start_date) as silenced
from win w left join lines l using (batch_code, cycle_no, institution_code, variety_code)
group by all
"""

PROGRESS_RULES = {
    "progress.behind_schedule": "as_of() < end_date and winning / agreed < schedule",
    "progress.incomplete_at_end": "as_of() >= end_date and winning / agreed < 1",
    "entry.not_entered": """as_of() >= start_date + interval 2 month and agreed > 0
                            and winning = 0""",
    "share.nonwinning_high": """winning + backup + nonwinning > 0
        and nonwinning / (winning + backup + nonwinning) > 0.5""",
    # P4 (national, henan: backup not credited), rules.md v1.1
    "progress.forecast_short": """start_date <= as_of() and as_of() <= end_date and agreed > 0
        and last_day - start_date + 1 >= 60 and winning / agreed >= schedule
        and (winning + recent_winning / 60 * (end_date - last_day)) / agreed < 1 - 1e-9""",
}

# The rules added in contract v1.1, at the defaults of the profiles that switch them on.
V11_RULES = {
    "demand.actual_deviates": """
        with f as (
          select f.batch_code, f.cycle_no, f.institution_code, f.variety_code,
                 sum(f.reported_units) as reported, any_value(b.start_date) as s,
                 any_value(b.end_date) as e
          from demand_filings f join batches b using (batch_code, cycle_no)
          where b.end_date <= as_of() group by all),
        a as (
          select f.batch_code, f.cycle_no, f.institution_code, f.variety_code, f.reported,
                 coalesce(sum(o.qty_packs * p.units_per_pack), 0) as actual
          from f left join (orders o join products p using (product_code))
            on o.institution_code = f.institution_code and p.variety_code = f.variety_code
           and o.status = 'ordered' and o.ordered_at::date between f.s and f.e
          where not exists (select 1 from exemptions x where x.kind = 'clinical_change'
                  and x.variety_code = f.variety_code and x.start_date <= f.e
                  and x.end_date >= f.s
                  and coalesce(x.institution_code, f.institution_code) = f.institution_code)
          group by all)
        select batch_code, cycle_no, institution_code, variety_code from a
        where case when reported > 0 then abs(actual / reported - 1) > 0.3 + 1e-9
                   else actual > 0 end""",
    "purchase.nonwinning_only": """
        with keys as (
          select distinct b.batch_code, b.cycle_no, b.start_date,
                 least(b.end_date, as_of()) as last_day, p.variety_code
          from batches b join awards a using (batch_code) join products p using (product_code)
          where b.start_date <= as_of()),
        low as (
          select a.batch_code, p.variety_code, min(a.award_price / p.units_per_pack) as unit
          from awards a join products p using (product_code) where a.role = 'winning'
          group by all),
        l as (
          select k.batch_code, k.cycle_no, o.institution_code, k.variety_code,
                 o.qty_packs * p.units_per_pack as units, aw.role is not null as awarded,
                 aw.role is null and o.unit_price / p.units_per_pack > low.unit + 1e-9
                   and not exists (select 1 from exemptions x where x.kind = 'supply_problem'
                     and x.variety_code = k.variety_code
                     and coalesce(x.institution_code, o.institution_code) = o.institution_code
                     and o.ordered_at::date between x.start_date and x.end_date) as high
          from keys k join products p on p.variety_code = k.variety_code
          join orders o on o.product_code = p.product_code and o.status = 'ordered'
           and o.ordered_at::date between k.start_date and k.last_day
          left join awards aw on aw.batch_code = k.batch_code and aw.product_code = o.product_code
          join low on low.batch_code = k.batch_code and low.variety_code = k.variety_code),
        g as (
          select batch_code, cycle_no, institution_code, variety_code,
                 sum(units) filter (awarded) as awarded, sum(units) filter (high) as high
          from l group by all),
        unit as (
          select g.*, case when exists (
                   select 1 from demand_filings f where f.batch_code = g.batch_code
                   and f.cycle_no = g.cycle_no and f.variety_code = g.variety_code
                   and f.institution_code = g.institution_code) then g.institution_code
                 else coalesce(i.consortium_code, g.institution_code) end as unit_code
          from g join institutions i using (institution_code))
        select batch_code, cycle_no, institution_code, variety_code from unit u
        where coalesce(awarded, 0) = 0 and coalesce(high, 0) > 0 and not exists (
          select 1 from demand_filings f where f.batch_code = u.batch_code
            and f.cycle_no = u.cycle_no and f.variety_code = u.variety_code
            and f.institution_code = u.unit_code and f.reported_units > 0)""",
    "listing.spec_outside_supply_list": """
        with running as (select batch_code, cycle_no from batches
                         where start_date <= as_of() and as_of() <= end_date),
        winner as (
          select distinct r.batch_code, r.cycle_no, p.variety_code, p.company_code
          from awards a join running r using (batch_code) join products p using (product_code)
          where a.role = 'winning'),
        latest as (
          select product_code, arg_max(status, effective_date) as status
          from listing_prices where effective_date <= as_of() group by all)
        select p.product_code, w.batch_code, w.cycle_no, p.company_code
        from products p join winner w using (variety_code, company_code)
        join latest l using (product_code)
        where l.status = 'listed' and p.product_code not in (
          select a.product_code from awards a join running r using (batch_code))""",
    "price.above_award": """
        select o.order_line_id from orders o
        join awards a using (product_code) join batches b using (batch_code)
        where o.on_platform and o.status = 'ordered'
          and o.ordered_at::date between b.start_date and least(b.end_date, as_of())
          and o.unit_price > a.award_price + 0.005""",
    "price.offline_above_listing": """
        select o.order_line_id from orders o asof join listing_prices l
          on o.product_code = l.product_code and o.ordered_at::date >= l.effective_date
        where not o.on_platform and o.status = 'ordered' and l.status = 'listed'
          and o.unit_price > l.price + 0.005""",
    "supplier.delivery_rate_low": """
        select distributor_code from orders
        where on_platform and status = 'ordered' and distributor_code is not null
          and ordered_at >= date_trunc('year', as_of())
          and ordered_at <= as_of_end() - interval 72 hour
        group by all having count(*) >= 20 and
          sum(case when delivered_at < as_of_end()
                   then least(coalesce(delivered_packs, qty_packs), qty_packs) else 0 end)
          / sum(qty_packs) < 0.9 - 1e-9""",
    "supplier.tickets_concentrated": """
        select company_code from tickets
        where reported_at::date between as_of() - 89 and as_of()
        group by all having count(distinct institution_code) >= 3""",
    "substitute.abnormal_growth": """
        with pairs as (
          select distinct v.batch_code, v.cycle_no, v.institution_code, v.variety_code
          from agreed_volumes v join batches b using (batch_code, cycle_no)
          where b.start_date <= as_of() and b.end_date >= as_of()),
        u as (
          select o.institution_code, s.variety_code,
            coalesce(sum(o.qty_packs * p.units_per_pack) filter (
              o.ordered_at::date between as_of() - 89 and as_of()), 0) as cur,
            coalesce(sum(o.qty_packs * p.units_per_pack) filter (
              o.ordered_at::date between (as_of() - 89 - interval 1 year)::date
                                     and (as_of() - interval 1 year)::date), 0) as prev
          from substitutes s join orders o using (product_code)
          join products p on p.product_code = o.product_code
          where o.status = 'ordered' group by all)
        select p.batch_code, p.cycle_no, p.institution_code, p.variety_code
        from pairs p join u using (institution_code, variety_code)
        where u.prev >= 100 and u.cur / u.prev - 1 > 0.3 + 1e-9""",
    "price.risk": """
        with l as (
          select product_code, effective_date, price,
                 lag(price) over (partition by product_code order by effective_date) as before,
                 row_number() over (partition by product_code order by effective_date desc)
                   as back
          from listing_prices where effective_date <= as_of()),
        rises as (
          select product_code, min(back) filter (not (
                   effective_date > as_of() - 365 and before is not null and price > before))
                   - 1 as rises
          from l group by all),
        amounts as (
          select product_code,
            coalesce(sum(amount) filter (ordered_at::date between as_of() - 89 and as_of()), 0)
              as cur,
            coalesce(sum(amount) filter (ordered_at::date between
              (as_of() - 89 - interval 1 year)::date and (as_of() - interval 1 year)::date), 0)
              as prev
          from orders where on_platform and status = 'ordered' group by all)
        select product_code, 'rises' from rises where rises >= 2
        union all
        select product_code, 'sales_growth' from amounts
        where prev >= 10000 and cur / prev - 1 > 0.5 + 1e-9""",
    "trace.duplicate_dispense": """
        with d as (
          select trace_code, count(*) as scans, count(distinct institution_code) as places,
                 bool_or(split) as split,
                 arg_max(institution_code, scanned_at::varchar || scan_id) as inst,
                 arg_max(product_code, scanned_at::varchar || scan_id) as product
          from trace_scans where event = 'dispense' and scanned_at < as_of_end()
          group by all)
        select d.trace_code, d.inst, d.product from d join products p
          on p.product_code = d.product
        where d.places >= 2 or d.scans > case when d.split then p.units_per_pack else 1 end""",
    # Judged at the institutions that report traceability (jicai.demo.trace's sampling).
    "trace.receipt_unscanned": """
        with period as (select date_trunc('year', as_of())::date as lo,
          case when day(as_of() + 1) = 1 then as_of()
               else (date_trunc('month', as_of()) - interval 1 day)::date end as hi),
        got as (
          select o.institution_code, o.product_code,
                 sum(coalesce(o.delivered_packs, o.qty_packs)) as packs
          from orders o join products p using (product_code), period
          where o.status = 'ordered' and p.category = 'drug' and o.received_at < as_of_end()
            and o.received_at::date between period.lo and period.hi
            and o.institution_code in (select institution_code from trace_scans)
          group by all),
        codes as (
          select institution_code, product_code, count(distinct trace_code) as codes
          from trace_scans, period where event = 'receive'
            and scanned_at::date between period.lo and period.hi group by all)
        select g.institution_code, g.product_code from got g left join codes c
          using (institution_code, product_code)
        where g.packs >= 10 and coalesce(c.codes, 0) / g.packs < 0.95 - 1e-9""",
    "trace.dispensed_over_received": """
        with d as (
          select institution_code, product_code, count(distinct trace_code) as dispensed
          from trace_scans where event = 'dispense' and scanned_at < as_of_end()
          group by all),
        r as (
          select institution_code, product_code,
                 sum(coalesce(delivered_packs, qty_packs)) as received
          from orders where status = 'ordered' and received_at < as_of_end() group by all)
        select d.institution_code, d.product_code from d left join r
          using (institution_code, product_code)
        where d.dispensed - coalesce(r.received, 0) > 0""",
    "prescriber.nonwinning_high": """
        with running as (select * from batches where start_date <= as_of()
                         and end_date >= as_of()),
        low as (
          select a.batch_code, p.variety_code, min(a.award_price / p.units_per_pack) as unit
          from awards a join products p using (product_code) where a.role = 'winning'
          group by all),
        in_force as (select product_code, arg_max(price, effective_date) as price
                     from listing_prices where effective_date <= as_of() group by all),
        rx as (
          select r.batch_code, r.cycle_no, x.institution_code, x.doctor_code, p.variety_code,
                 x.units, aw.role is null and n.price / p.units_per_pack > low.unit + 1e-9
                   as high
          from prescriptions x join products p using (product_code)
          join low on low.variety_code = p.variety_code
          join running r on r.batch_code = low.batch_code
          left join awards aw on aw.batch_code = r.batch_code
            and aw.product_code = x.product_code
          left join in_force n on n.product_code = x.product_code
          where x.prescribed_at < as_of_end()
            and x.prescribed_at::date between r.start_date and least(r.end_date, as_of()))
        select batch_code, cycle_no, institution_code, doctor_code, variety_code from rx
        group by all having coalesce(sum(units) filter (high), 0) >= 100
          and coalesce(sum(units) filter (high), 0) / sum(units) > 0.5 + 1e-9""",
}


def recheck(data: Path, as_of: date) -> dict[str, set[Key]]:
    """rule id → the alert keys the files call for, as the demo summary spells them."""
    con = connect(data, as_of)
    out = {rule: {(k[0],) for k in keys(con, sql)} for rule, sql in ORDER_RULES.items()}
    out.update({rule: keys(con, sql) for rule, sql in OTHER_RULES.items()})
    views = {r[0] for r in con.execute("select view_name from duckdb_views()").fetchall()}
    if {"substitutes", "trace_scans", "prescriptions"} <= views:
        out.update({rule: keys(con, sql) for rule, sql in V11_RULES.items()})
    con.execute(PROGRESS)
    for rule, condition in PROGRESS_RULES.items():
        silenced = "" if rule.startswith("share") else "not silenced and"
        out[rule] = keys(con, f"""select batch_code, cycle_no, institution_code, variety_code
                                  from progress where {silenced} {condition}""")
    return out
