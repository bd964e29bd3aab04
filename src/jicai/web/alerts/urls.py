from django.urls import path

from jicai.web.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("delayed/", views.delayed, name="delayed"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
