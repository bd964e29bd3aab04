"""The jicai web app: accounts with a scope, the workflows the policies require, an API.

A Django project that lives inside the package. ``jicai serve`` starts it and
``jicai createuser`` adds accounts (see :mod:`jicai.web.commands`); the
settings module is :mod:`jicai.web.settings`. One Django app per workflow:

``accounts``   users, roles, scope (a region and all below it, an institution, a company)
``reference``  regions, institutions, companies, products, batches loaded from the contract
``filings``    demand filing (报量) with its multi-level review
``tickets``    supply-problem tickets (HENAN 二(八))
``purchases``  off-platform purchases registered afterwards (备案采购)
``agreements`` three-party purchase agreements (JILIN 第五条)
``alerts``     the alert inbox of the latest monitor run
``monitoring`` publishing workflow records to the warehouse, starting monitor runs
``dashboards`` charts (Apache ECharts, served from the package)
``audit``      the append-only audit log (留痕)
``api``        the JSON API with its OpenAPI schema (django-ninja)

Every query for a user passes through one scoping function per model, named
``scoped_<things>(user)`` in the app's ``scoping.py``.
"""
