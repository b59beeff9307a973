"""The petition desk's two lists as ``query.service.ListService`` declarations (信访登记, 案件办理):
what the generic list page calls for a page of rows, the count and the export."""
from __future__ import annotations

from ..query.service import ListService
from . import list_export, lists

REGISTRATIONS = ListService(lists.RegistrationFilter, lists.registration_page,
                            lists.count_registrations, list_export.export_xlsx)
CASES = ListService(lists.CaseFilter, lists.case_page, lists.count_cases, list_export.export_xlsx)
