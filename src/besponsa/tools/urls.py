from django.urls import path

from besponsa.tools import views

app_name = "tools"
urlpatterns = [
    path("", views.index, name="index"),
    path("dose/", views.dose, name="dose"),
    path("planner/", views.planner, name="planner"),
    path("planner/plan.pdf", views.planner_pdf, name="planner-pdf"),
    path("planner/plan.ics", views.planner_ics, name="planner-ics"),
    path("course/", views.course, name="course"),
    path("course/plan.pdf", views.course_pdf, name="course-pdf"),
    path("course/plan.ics", views.course_ics, name="course-ics"),
    path("modifications/", views.modifications, name="modifications"),
    path("response/", views.response, name="response"),
    path("safety/", views.safety, name="safety"),
]
