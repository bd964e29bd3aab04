from django.urls import path

from jicai.web.purchases import views

app_name = "purchases"
urlpatterns = [
    path("", views.purchase_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
