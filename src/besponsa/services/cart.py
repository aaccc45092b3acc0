"""The print-order cart: material id → copies, kept in the signed-in HCP's session."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from besponsa.services.materials import material_problem
from besponsa.services.models import MaterialPage

SESSION_KEY = "services_cart"


@dataclass(frozen=True)
class CartLine:
    material: MaterialPage
    quantity: int


def orderable(material_id: int) -> MaterialPage | None:
    """The material if printed copies of it may be ordered today (live, approved, current, printable)."""
    material = MaterialPage.objects.live().filter(pk=material_id, printable=True).first()
    if material is None or material_problem(material) is not None:
        return None
    return material


def _raw(request: HttpRequest) -> dict[str, int]:
    raw = request.session.get(SESSION_KEY, {})
    return {str(k): int(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def set_quantity(request: HttpRequest, material: MaterialPage, quantity: int) -> None:
    cart = _raw(request)
    if quantity > 0:
        cart[str(material.pk)] = quantity
    else:
        cart.pop(str(material.pk), None)
    request.session[SESSION_KEY] = cart


def lines(request: HttpRequest) -> tuple[list[CartLine], list[str]]:
    """The cart's lines that can still be ordered, and the titles of those dropped since they were added
    (withdrawn, expired or changed), so the page can say so instead of silently ordering less."""
    cart = _raw(request)
    kept: list[CartLine] = []
    dropped: list[str] = []
    for key, quantity in cart.items():
        material = orderable(int(key))
        if material is None:
            title = MaterialPage.objects.filter(pk=int(key)).values_list("title", flat=True).first()
            dropped.append(title or "A material")
            continue
        kept.append(CartLine(material, min(quantity, material.max_per_order)))
    if dropped:
        request.session[SESSION_KEY] = {str(line.material.pk): line.quantity for line in kept}
    return kept, dropped


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
