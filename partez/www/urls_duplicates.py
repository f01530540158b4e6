from django.urls import path

from .views import duplicates

urlpatterns = [
    path("", duplicates.duplicate_list, name="duplicate_list"),
    path("<int:pk>/", duplicates.duplicate_detail, name="duplicate_detail"),
    path("<int:pk>/distincts/", duplicates.duplicate_distinct, name="duplicate_distinct"),
    path("<int:pk>/fusion/", duplicates.duplicate_merge, name="duplicate_merge"),
    path("fusions/<int:pk>/annuler/", duplicates.duplicate_merge_undo, name="duplicate_merge_undo"),
]
