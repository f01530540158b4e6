from django.urls import path

from .views import attendance

urlpatterns = [
    path("pointage/<int:pk>/", attendance.attendance_scan, name="attendance_scan"),
    path("pointage/<int:pk>/pointer/", attendance.attendance_checkin, name="attendance_checkin"),
]
