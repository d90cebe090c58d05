"""Reads that the appraisal pages share, by page family, each in a constant number of queries.

``cycles`` (work items, progress, documents), ``counts`` (dashboards and level counts), ``eligibility`` (who is
reviewed and rated in a cell), ``history`` (ratings over the years and their flags), ``panels`` (home page),
``self_reviews`` (a member's form, what the rule set derives from it, the cell's list and own report),
``meetings`` (the meeting's sheet), ``decisions``, ``quota``, ``dashboard`` (the committee's pages), ``audit`` (the
cycle's log).
Services write; these only read.
"""
