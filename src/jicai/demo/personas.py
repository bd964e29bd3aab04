"""The demo's fixed cast: two hospitals, two manufacturers and a distributor, by code.

Every province the demo generates — any size, any seed — holds these five with
these codes and names, so the web app's demo accounts (``jicai serve --demo``,
``jicai demo --serve``) can sign in as each role and find data worth seeing:

- :data:`HOSPITAL` (中州大学第一附属医院, the capital's tertiary hospital) and
  :data:`HOSPITAL_2` (河阳市第一人民医院, in another city): both order through
  :data:`DISTRIBUTOR`, report prescriptions (K1 is planted among their doctors
  at the province's rate), take part in every batch they use and carry the
  order, payment, filing and progress lapses of any big buyer. (Traceability
  scans come from small institutions only: see ``trace.py``.)
- :data:`MANUFACTURER` (a drug maker) wins in the first drug varieties of every
  drug batch; :data:`MANUFACTURER_2` (a device maker) wins in the consumable
  batches, and supply problems concentrate on it (T4: tickets from several
  hospitals in the last 90 days).
- :data:`DISTRIBUTOR` is a pure distributor (role ``distributor``) serving the big
  hospitals: many order lines, some answered or delivered late (R1, R3).

The codes are literal so that nothing needs generating to know them; the unified
social credit codes carry valid check digits (GB 32100-2015), and the institution
serials (9xxxx) lie beyond any the generator draws.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    code: str
    name: str
    role: str  # the web role it suits: institution / company (manufacturer or distributor)


HOSPITAL = Persona("H39010290001", "中州大学第一附属医院", "institution")
HOSPITAL_2 = Persona("H39020290001", "河阳市第一人民医院", "institution")
MANUFACTURER = Persona("91320100797833TQ63", "江苏康维制药有限公司", "manufacturer")
MANUFACTURER_2 = Persona("91440100090591YX6B", "广东元达医疗科技股份有限公司", "manufacturer")
DISTRIBUTOR = Persona("91390000282477KY4T", "中州景明医药集团有限公司", "distributor")

PERSONAS: tuple[Persona, ...] = (HOSPITAL, HOSPITAL_2, MANUFACTURER, MANUFACTURER_2, DISTRIBUTOR)

# Drug varieties of each drug batch that MANUFACTURER wins (the first ones of the batch).
MANUFACTURER_WINS_PER_BATCH = 2
