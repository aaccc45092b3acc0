"""Least privilege in the CMS (issue 17 item 3), enforced on the models so no view can route around it.

- Only a superuser may grant or withdraw superuser (or Django-admin staff) status, change what a
  group may do (its model, page or collection permissions), create, rename or delete a group, or make
  someone an Administrator. Administrators manage accounts and role membership, never their own.
- Every one of those changes, and creating, deactivating, reactivating and deleting accounts, is written
  to the append-only audit log with who made it.

The acting person is the signed-in user of the request being handled (AuditContextMiddleware). Code
with no request — `manage.py`, migrations, the seed loader — is the operator's and is not restricted.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from besponsa.accounts.audit import current_request, record
from besponsa.accounts.models import AuditEvent
from besponsa.accounts.roles import ADMINISTRATORS


def _actor() -> Any:
    """The signed-in person making this change, or None (no request: an operator's command)."""
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _in_request() -> bool:
    return current_request.get() is not None


def _refuse_unless_superuser(what: str) -> None:
    actor = _actor()
    if _in_request() and (actor is None or not actor.is_superuser):
        raise PermissionDenied(f"Only a superuser may {what}.")


def _guard_user_flags(sender: Any, instance: Any, **kwargs: Any) -> None:
    previous = (
        sender.objects.filter(pk=instance.pk).values("is_superuser", "is_staff").first()
        if instance.pk
        else None
    )
    before = previous or {"is_superuser": False, "is_staff": False}
    if instance.is_superuser != before["is_superuser"] or instance.is_staff != before["is_staff"]:
        _refuse_unless_superuser("grant or withdraw superuser or staff status")
    actor = _actor()
    if previous is not None and actor is not None and not actor.is_superuser and previous["is_superuser"]:
        raise PermissionDenied("Only a superuser may change a superuser's account.")


def _guard_membership(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    actor = _actor()
    if actor is None or actor.is_superuser:
        return
    users = (
        [instance]
        if not isinstance(instance, Group)
        else list(get_user_model().objects.filter(pk__in=pk_set or ()))
    )
    if isinstance(instance, Group):
        groups = [instance]
    elif action == "pre_clear":
        groups = list(instance.groups.all())
    else:
        groups = list(Group.objects.filter(pk__in=pk_set or ()))
    if any(user.pk == actor.pk for user in users):
        raise PermissionDenied("You cannot change your own roles; ask another administrator.")
    if any(group.name == ADMINISTRATORS for group in groups):
        raise PermissionDenied("Only a superuser may add or remove Administrators.")


def _guard_group_permissions(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        _refuse_unless_superuser("change what a group may do")
    if action in {"post_add", "post_remove", "post_clear"}:
        from django.contrib.auth.models import Permission

        if isinstance(instance, Group):
            names = sorted(Permission.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True))
            verb = {"post_add": "granted", "post_remove": "withdrawn", "post_clear": "cleared"}[action]
            detail = f"{instance.name}: {verb} {', '.join(names)}" if names else f"{instance.name}: {verb}"
            record(AuditEvent.Kind.PERMISSION_CHANGE, detail=detail)


def _guard_group(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        _refuse_unless_superuser("create a group")
    elif Group.objects.filter(pk=instance.pk).exclude(name=instance.name).exists():
        _refuse_unless_superuser("rename a group")


def _audit_group_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        record(AuditEvent.Kind.PERMISSION_CHANGE, detail=f"group {instance.name} created")


def _guard_group_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _refuse_unless_superuser("delete a group")
    record(AuditEvent.Kind.PERMISSION_CHANGE, detail=f"group {instance.name} deleted")


def _guard_object_permission(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Wagtail's page and collection permissions of a group (GroupPagePermission, …)."""
    _refuse_unless_superuser("change what a group may do")


def _audit_object_permission(sender: Any, instance: Any, **kwargs: Any) -> None:
    verb = "withdrawn" if kwargs.get("signal") is post_delete else "granted"
    permission = getattr(getattr(instance, "permission", None), "codename", "")
    target = getattr(instance, "page_id", None) or getattr(instance, "collection_id", None)
    record(
        AuditEvent.Kind.PERMISSION_CHANGE,
        detail=f"{instance.group.name}: {verb} {permission} on "
        f"{sender.__name__.removeprefix('Group')} {target}",
    )


def _remember_active(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._audit_was_active = (
        sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        if instance.pk
        else None
    )


def _audit_account(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    actor = _actor()
    if created:
        # Self-registration records its own "registered" event; accounts made by staff or a command are here.
        if actor is not None or not _in_request():
            record(
                AuditEvent.Kind.ACCOUNT_CREATED,
                user_id=instance.pk,
                detail="by an administrator" if actor else "by a command",
            )
        return
    was_active = getattr(instance, "_audit_was_active", None)
    if was_active is not None and was_active != instance.is_active:
        kind = (
            AuditEvent.Kind.ACCOUNT_REACTIVATED if instance.is_active else AuditEvent.Kind.ACCOUNT_DEACTIVATED
        )
        record(kind, user_id=instance.pk)


def _guard_account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    actor = _actor()
    if actor is not None and not actor.is_superuser and instance.is_superuser:
        raise PermissionDenied("Only a superuser may delete a superuser's account.")


def _audit_account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The HCP's own deletion (/accounts/delete/) records itself after signing out; this is everyone else.
    if _actor() is not None or not _in_request():
        record(
            AuditEvent.Kind.ACCOUNT_DELETED,
            user_id=instance.pk,
            detail="by an administrator" if _actor() else "by a command",
        )


def connect() -> None:
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    user_model = get_user_model()
    pre_save.connect(_guard_user_flags, sender=user_model, dispatch_uid="privilege-user-flags")
    pre_save.connect(_remember_active, sender=user_model, dispatch_uid="privilege-user-active")
    post_save.connect(_audit_account, sender=user_model, dispatch_uid="privilege-user-audit")
    pre_delete.connect(_guard_account_deleted, sender=user_model, dispatch_uid="privilege-user-delete-guard")
    post_delete.connect(_audit_account_deleted, sender=user_model, dispatch_uid="privilege-user-delete")
    m2m_changed.connect(
        _guard_membership, sender=user_model.groups.through, dispatch_uid="privilege-membership"
    )
    m2m_changed.connect(
        _guard_group_permissions, sender=Group.permissions.through, dispatch_uid="privilege-group-perms"
    )
    pre_save.connect(_guard_group, sender=Group, dispatch_uid="privilege-group")
    post_save.connect(_audit_group_saved, sender=Group, dispatch_uid="privilege-group-audit")
    pre_delete.connect(_guard_group_deleted, sender=Group, dispatch_uid="privilege-group-delete")
    for model in (GroupPagePermission, GroupCollectionPermission):
        name = model.__name__
        pre_save.connect(_guard_object_permission, sender=model, dispatch_uid=f"privilege-{name}-save")
        pre_delete.connect(_guard_object_permission, sender=model, dispatch_uid=f"privilege-{name}-delete")
        post_save.connect(_audit_object_permission, sender=model, dispatch_uid=f"privilege-{name}-audit")
        post_delete.connect(
            _audit_object_permission, sender=model, dispatch_uid=f"privilege-{name}-audit-del"
        )
