"""conftest.celery_conf: a test's change to the Celery configuration is put back exactly, CELERY_ names included.

tests/test_broker_faults.py once wrote its previous values back under both names; the CELERY_TASK_ALWAYS_EAGER key it
left in ``app.conf.changes`` shadowed the plain name that conftest's celery_eager sets, so every transactional test
after it (pytest-django runs those last) queued its e-mails and report jobs to Redis instead of running them.
"""

from __future__ import annotations

from conftest import celery_conf


def test_a_prefixed_key_in_the_changes_shadows_the_plain_name():
    """Celery's own behaviour, the reason writing old values back is not enough (if Celery changes, so may we)."""
    with celery_conf(CELERY_TASK_ALWAYS_EAGER=False) as app:
        app.conf.task_always_eager = True
        assert app.conf.task_always_eager is False


def test_after_the_block_the_plain_name_works_again():
    from config.celery import app

    before = dict(app.conf.changes)
    with celery_conf(CELERY_TASK_ALWAYS_EAGER=False, broker_url="redis://127.0.0.1:1/0", task_always_eager=False):
        assert app.conf.task_always_eager is False
    assert dict(app.conf.changes) == before
    app.conf.task_always_eager = True  # what conftest's celery_eager does before each test
    assert app.conf.task_always_eager is True


def test_the_block_is_undone_when_the_test_fails_inside_it():
    from config.celery import app

    before = dict(app.conf.changes)
    try:
        with celery_conf(task_always_eager=False):
            raise RuntimeError("a failing test")
    except RuntimeError:
        pass
    assert dict(app.conf.changes) == before
    assert app.conf.task_always_eager is True
