"""Signal receivers of the reports app.

- A Celery worker process registers the document fonts once, when it starts, not on its first document.
- A deleted job takes its file with it, whatever deleted it (the admin, a cascade from its unit, a shell): a file
  left in MEDIA_ROOT would outlive the record whose access check guards it (connected in ReportsConfig.ready).
"""

from celery.signals import worker_process_init
from django.db import transaction

from .documents import fonts


@worker_process_init.connect
def register_fonts(**_kwargs) -> None:
    fonts.register()


def remove_file_on_commit(sender, instance, **kwargs) -> None:  # noqa: ARG001 - signal signature
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name
    transaction.on_commit(lambda: storage.delete(name))  # only once the deletion is committed
