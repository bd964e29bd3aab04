from django.urls import path

from jicai.web.filings import views

app_name = "filings"
urlpatterns = [
    path("", views.windows, name="windows"),
    path("open/", views.open_window, name="open"),
    path("queue/", views.queue, name="queue"),
    path("window/<int:pk>/", views.window, name="window"),
    path("window/<int:pk>/close/", views.close_window, name="close"),
    path("window/<int:pk>/extend/", views.extend_window, name="extend"),
    path("window/<int:pk>/reopen/", views.reopen_window, name="reopen"),
    path("window/<int:pk>/remind/", views.remind, name="remind"),
    path("window/<int:pk>/demand_filings.csv", views.export, name="export"),
    path("window/<int:pk>/total.csv", views.total, name="total"),
    path("<int:pk>/", views.filing, name="filing"),
    path("<int:pk>/save/", views.save, name="save"),
    path("<int:pk>/letter/", views.letter, name="letter"),
    path("<int:pk>/letter.pdf", views.letter_file, name="letter_file"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_filing, name="return"),
]
