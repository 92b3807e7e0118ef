"""The one signal the archive uses: a public statement about to be deleted records its OAI
sets first, while its tags and credits still exist (the withdrawal trigger of migration 0018
runs after Django has deleted them; see the trigger's comment)."""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from statements.models import Statement


@receiver(pre_delete, sender=Statement, dispatch_uid="statements_withdrawal_sets")
def statement_withdrawal_sets_keep(sender, instance: Statement, **kwargs) -> None:
    if not instance.is_public:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO statements_withdrawal (statement_id, slug, withdrawn_at, set_specs)"
            " VALUES (%s, %s, now(), statements_withdrawal_sets(%s))"
            " ON CONFLICT (statement_id) DO UPDATE SET set_specs = EXCLUDED.set_specs",
            [instance.pk, instance.slug, instance.pk],
        )
