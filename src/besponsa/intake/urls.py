from django.urls import path

from besponsa.intake import views

app_name = "intake"
urlpatterns = [
    path("report-adverse-event/", views.report_adverse_event, name="report-adverse-event"),
    path("contact/medical-information/", views.medical_information, name="medical-information"),
]
