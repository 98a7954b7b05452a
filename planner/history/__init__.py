"""The visit log: visits, community reports and referrals, kept in one SQLite file per dataset.

What the squads bring back from a night (who went where, how many people they met, what people
raised, what was passed to which agency) is imported here and fed back into the next nights'
scores (:func:`last_visits`, :func:`recent_reports`).

- :mod:`~planner.history.store`: the SQLite file, its schema and migrations
  (:class:`HistoryStore`, :func:`open_store`, :func:`default_store_path`);
- :mod:`~planner.history.rows`: reading and validating visit sheets (:func:`parse_rows`) into
  :class:`VisitIn` / :class:`ReportIn`, against what the dataset knows (:class:`Known`);
- :mod:`~planner.history.record`: writing, all or nothing (:func:`import_file`,
  :func:`add_visits`, :func:`add_visit`, :func:`record_plan`, :func:`close_report`);
- :mod:`~planner.history.queries`: reading back (:func:`last_visits`, :func:`recent_reports`,
  :func:`reports_between`, :func:`visits_between`, :func:`followups`);
- :mod:`~planner.history.export`: the template format, the follow-up CSV and XLSX (named from
  the dataset: :class:`Names`, :func:`name_followups`), the empty template.

Imports are validated completely before anything is written; every problem is reported at once
as an :class:`~planner.errors.InputError`. Visits have a natural key (night, squad, venue), so
importing the same file twice adds nothing the second time. See ``docs/history.md`` for the
template and the schema.

This package sits in the middle layer: it does not read datasets itself. The caller hands it
what to validate against (:class:`Known`), e.g. ``Known.from_dataset(dataset)``.
"""

from __future__ import annotations

from planner.errors import InputError  # noqa: F401 - tests/render/test_activity.py reads h.InputError
from planner.history.export import (
    FOLLOWUP_CSV_COLUMNS,
    Names,
    by_agency,
    export_csv,
    export_rows,
    followups_csv,
    followups_xlsx,
    name_followups,
    template_help,
    write_template,
)
from planner.history.queries import (
    followups,
    last_visits,
    recent_reports,
    reports_between,
    visits_between,
)
from planner.history.record import (
    ImportResult,
    ProgressFn,
    add_visit,
    add_visits,
    close_report,
    import_file,
    import_rows,
    record_plan,
)
from planner.history.rows import (
    FILL_COLUMNS,
    INFO_COLUMNS,
    OPEN_STATUSES,
    REQUIRED_COLUMNS,
    STATUSES,
    TEMPLATE_COLUMNS,
    Known,
    ReportIn,
    Status,
    VisitIn,
    parse_rows,
)
from planner.history.store import (
    DEFAULT_STORE_NAME,
    SCHEMA_VERSION,
    HistoryStore,
    default_store_path,
    open_store,
)

__all__ = [
    "DEFAULT_STORE_NAME",
    "FILL_COLUMNS",
    "FOLLOWUP_CSV_COLUMNS",
    "INFO_COLUMNS",
    "OPEN_STATUSES",
    "REQUIRED_COLUMNS",
    "SCHEMA_VERSION",
    "STATUSES",
    "TEMPLATE_COLUMNS",
    "HistoryStore",
    "ImportResult",
    "Known",
    "Names",
    "ProgressFn",
    "ReportIn",
    "Status",
    "VisitIn",
    "add_visit",
    "add_visits",
    "by_agency",
    "close_report",
    "default_store_path",
    "export_csv",
    "export_rows",
    "followups",
    "followups_csv",
    "followups_xlsx",
    "import_file",
    "import_rows",
    "last_visits",
    "name_followups",
    "open_store",
    "parse_rows",
    "recent_reports",
    "record_plan",
    "reports_between",
    "template_help",
    "visits_between",
    "write_template",
]
