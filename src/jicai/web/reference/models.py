"""Reference data loaded from the contract tables (see :mod:`jicai.web.reference.load`).

Codes are the contract's keys and serve as primary keys, so that a row of any
contract table can be matched without a lookup table. A region keeps its
``path`` (``410000/411300/411302/``): "this region and everything below it" is
then one ``startswith`` in any database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class Category(models.TextChoices):
    DRUG = "drug", _("Drug")
    CONSUMABLE = "consumable", _("Consumable")
    HV_CONSUMABLE = "hv_consumable", _("High-value consumable")


class Region(models.Model):
    code = models.CharField(_("region code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children")
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    path = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Region]:
        """This region and those above it, lowest first."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Institution(models.Model):
    code = models.CharField(_("institution code"), max_length=40, primary_key=True)
    name = models.CharField(_("institution name"), max_length=200)
    region = models.ForeignKey(Region, models.PROTECT, related_name="institutions")
    kind = models.CharField(_("kind"), max_length=20)
    grade = models.PositiveSmallIntegerField(_("grade"), default=0)
    consortium_lead = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                        related_name="members")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def filer(self) -> Institution:
        """Who files demand for this institution: its consortium lead, or itself."""
        return self.consortium_lead or self


class CompanyRole(models.TextChoices):
    MANUFACTURER = "manufacturer", _("Manufacturer")
    DISTRIBUTOR = "distributor", _("Distributor")
    BOTH = "both", _("Manufacturer and distributor")


class Company(models.Model):
    code = models.CharField(_("unified social credit code"), max_length=18, primary_key=True)
    name = models.CharField(_("company name"), max_length=200)
    role = models.CharField(_("company role"), max_length=20, choices=CompanyRole.choices)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Variety(models.Model):
    """A unit of assessment: the products sharing a ``variety_code``."""

    code = models.CharField(_("variety code"), max_length=60, primary_key=True)
    name = models.CharField(_("generic name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "varieties"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    code = models.CharField(_("product code"), max_length=60, primary_key=True)
    generic_name = models.CharField(_("generic name"), max_length=200)
    variety = models.ForeignKey(Variety, models.PROTECT, related_name="products")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    spec = models.CharField(_("specification"), max_length=200)
    pack = models.CharField(_("package"), max_length=200)
    units_per_pack = models.PositiveIntegerField(_("units per pack"))
    company = models.ForeignKey(Company, models.PROTECT, related_name="products")
    is_negotiated = models.BooleanField(default=False)
    is_hk_macau = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.generic_name} {self.spec} {self.pack}"


class Batch(models.Model):
    """One batch and cycle year (the contract's key is batch_code with cycle_no)."""

    code = models.CharField(_("batch code"), max_length=60)
    cycle_no = models.PositiveSmallIntegerField(_("cycle year"))
    name = models.CharField(_("batch name"), max_length=200)
    level = models.CharField(_("organising level"), max_length=20)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices[:2])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["code", "cycle_no"]
        constraints = [models.UniqueConstraint(fields=["code", "cycle_no"],
                                               name="batch_code_cycle_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}·{self.cycle_no}）"

    def varieties(self) -> models.QuerySet[Variety]:
        """The varieties awarded in this batch: every one of them must be filed."""
        return Variety.objects.filter(products__awards__batch_code=self.code).distinct()


class Award(models.Model):
    batch_code = models.CharField(max_length=60, db_index=True)
    product = models.ForeignKey(Product, models.CASCADE, related_name="awards")
    role = models.CharField(max_length=10)
    award_price = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch_code", "product"],
                                               name="award_batch_product_unique")]


class HistoricalVolume(models.Model):
    institution = models.ForeignKey(Institution, models.CASCADE, related_name="history")
    variety = models.ForeignKey(Variety, models.CASCADE, related_name="history")
    year = models.PositiveSmallIntegerField()
    units = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["institution", "variety", "year"],
                                               name="history_unique")]
