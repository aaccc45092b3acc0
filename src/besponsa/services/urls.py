from django.urls import path

from besponsa.services import views

app_name = "services"

urlpatterns = [
    path("materials/<int:pk>/download/", views.download, name="material-download"),
    path("materials/order/", views.cart_view, name="cart"),
    path("materials/order/checkout/", views.checkout, name="checkout"),
    path("materials/orders/", views.orders, name="orders"),
    path("materials/orders/<int:pk>/", views.order, name="order"),
]
urlpatterns += [
    path("support-referral/", views.referral, name="referral"),
    path("support-referral/<int:pk>/sent/", views.referral_sent, name="referral-sent"),
]
urlpatterns += [
    path("events/<int:pk>/register/", views.event_register, name="event-register"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
]
