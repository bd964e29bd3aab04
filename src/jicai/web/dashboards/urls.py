from django.urls import path

from jicai.web.dashboards import company, downloads, execution, rankings, reports, views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("execution/", execution.execution, name="execution"),
    path("region/<str:code>/", execution.region, name="region"),
    path("region/<str:code>/report/<str:kind>/", reports.region_report, name="region_report"),
    path("institution/<str:code>/", execution.institution, name="institution"),
    path("institution/<str:code>/report/", reports.institution_report,
         name="institution_report"),
    path("variety/<str:code>/", execution.variety, name="variety"),
    path("company/", company.company, name="company"),
    path("rankings/", rankings.rankings, name="rankings"),
    path("rankings/<str:name>/", rankings.ranking, name="ranking"),
    path("files/<str:name>", downloads.download, name="download"),
]
