"""The Fulfillment operations group takes the US spelling; its members and permissions stay with it."""

from django.db import migrations

OLD, NEW = "Fulfilment operations", "Fulfillment operations"


def rename(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name=NEW).exists():
        Group.objects.filter(name=OLD).update(name=NEW)


def rename_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name=OLD).exists():
        Group.objects.filter(name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_audit_account_and_permission_events"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(rename, rename_back)]
