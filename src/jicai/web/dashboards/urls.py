from django.urls import path

from jicai.web.dashboards import views

app_name = "dashboards"
urlpatterns = [path("", views.overview, name="overview")]
