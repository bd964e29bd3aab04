from django.urls import path

from jicai.web.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("run/", views.do_run, name="start"),
    path("run/<int:pk>/", views.run_detail, name="run"),
    path("import/", views.do_import, name="import"),
    path("publish/", views.do_publish, name="publish"),
    path("sync/", views.do_sync, name="sync"),
]
