"""Background jobs (decision 0009): monitor runs and report builds leave the HTTP request.

A job is a row of :class:`~jicai.web.jobs.models.Job` (what is done, for whom, its
status and the engine's progress step) and a task of Django's Tasks API (the
``django-tasks`` backport) queued in the app's own database by ``django-tasks-db``.
``jicai serve`` runs one worker thread per home (:mod:`jicai.web.jobs.worker`).
"""
