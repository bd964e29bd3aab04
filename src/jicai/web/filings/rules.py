"""What the profile says about demand filing: the explanation threshold and the review chain.

- Explanation: required when the figure is below ``ratio × history`` of the
  year before the cycle starts — HENAN 二(一) ratio 1.0 ("低于其历史采购量的，
  要求医疗机构作出说明"), GANZHOU 二(一) ratio 0.8 ("低于其历史采购量80%时").
  JILIN and GUANGDONG set no ratio.
- Review chain: JILIN 第十一条 — drugs county → city → province, consumables
  city → province. HENAN and GANZHOU have the pooling region (the city)
  check the figures. The national profile and GUANGDONG, silent on it, follow
  JILIN, the only document that spells a chain out.
"""

from __future__ import annotations

from dataclasses import dataclass

from jicai.web.reference.models import Institution

_JILIN_CHAINS: dict[str, tuple[str, ...]] = {"drug": ("county", "city", "province"),
                                             "consumable": ("city", "province")}
_CITY_ONLY: dict[str, tuple[str, ...]] = {"drug": ("city",), "consumable": ("city",)}


@dataclass(frozen=True)
class FilingRules:
    profile: str
    ratio: float | None
    chains: dict[str, tuple[str, ...]]

    def chain_for(self, category: str, institution: Institution) -> list[str]:
        """The review levels for ``institution``, skipping levels it has no bureau at.

        An institution placed directly under a city (市直) has no county bureau,
        so its drug filing goes straight to the city.
        """
        levels = {r.level for r in institution.region.ancestors()}
        return [lv for lv in self.chains[category] if lv in levels]

    def needs_explanation(self, reported: int | None, history: int | None) -> bool:
        if self.ratio is None or reported is None or not history:
            return False
        return reported < self.ratio * history


PROFILES: dict[str, FilingRules] = {
    "national": FilingRules("national", 1.0, _JILIN_CHAINS),
    "henan": FilingRules("henan", 1.0, _CITY_ONLY),
    "ganzhou": FilingRules("ganzhou", 0.8, _CITY_ONLY),
    "jilin": FilingRules("jilin", None, _JILIN_CHAINS),
    "guangdong": FilingRules("guangdong", None, _JILIN_CHAINS),
}


def rules_for(profile: str) -> FilingRules:
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown profile {profile!r}; known: {sorted(PROFILES)}") from None
