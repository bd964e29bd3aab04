from django.urls import path

from jicai.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("audit-log.csv", views.export, name="export"),
]
