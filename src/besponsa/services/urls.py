from django.urls import path

from besponsa.services import account_views, views

app_name = "services"

urlpatterns = [
    path("materials/<int:pk>/download/", views.download, name="material-download"),
    path("materials/order/", views.cart_view, name="cart"),
    path("materials/order/checkout/", views.checkout, name="checkout"),
    path("materials/orders/", views.orders, name="orders"),
    path("materials/orders/<int:pk>/", views.order, name="order"),
    path("support-referral/", views.referral, name="referral"),
    path("support-referral/<int:pk>/sent/", views.referral_sent, name="referral-sent"),
    path("events/<int:pk>/register/", views.event_register, name="event-register"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path("account/", account_views.home, name="account"),
    path("account/saved/", account_views.save_calculation, name="save-calculation"),
    path("account/saved/<int:pk>/delete/", account_views.delete_calculation, name="delete-calculation"),
    path("account/preferences/", account_views.preferences, name="email-preferences"),
    path("account/export.json", account_views.export, name="export"),
    path("account/delete-data/", account_views.delete_data, name="delete-data"),
    path("videos/<int:pk>/<str:kind>/", views.video_file, name="video-file"),
]
