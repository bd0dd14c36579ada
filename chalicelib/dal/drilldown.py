"""The supervisor's drill-down into one department (督查, #23): its open rejections and its late
records. Two Queries on indexes, never a scan: the rejections' sparse `by_open` index (only open
ones carry `open_department`) and the records' `by_department` index over the received-date range
(late ones kept by a filter)."""
from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from chalicelib.dal.batch import query_page
from chalicelib.dal.records import _record
from chalicelib.dal.rejections import _rejection
from chalicelib.models.record import Record
from chalicelib.models.rejection import Rejection


class DrillDownReader:
    def __init__(self, rejections_table, records_table):
        self.rejections = rejections_table
        self.records = records_table

    @staticmethod
    def _drain(table, cap: int, **kwargs) -> tuple[list[dict], bool]:
        """Items of one Query, page after page, up to `cap`; (items, whether more were left)."""
        items, after = query_page(table, **kwargs)
        while after and len(items) <= cap:
            page, after = query_page(table, after, **kwargs)
            items += page
        return items[:cap], len(items) > cap or after is not None

    def open_rejections(self, department: str, cap: int) -> tuple[list[Rejection], bool]:
        """The department's open rejections, oldest first (at most `cap`)."""
        items, more = self._drain(self.rejections, cap, IndexName="by_open",
                                  KeyConditionExpression=Key("open_department").eq(department))
        return [_rejection(i) for i in items], more

    def late_records(self, department: str, start: str, end: str, cap: int) -> tuple[list[Record], bool]:
        """Records received from `start` to `end` (YYYY-MM-DD, both included) that came late, newest first."""
        items, more = self._drain(
            self.records, cap, IndexName="by_department", ScanIndexForward=False,
            KeyConditionExpression=Key("department").eq(department) & Key("received_at").between(start, end + "T~"),
            FilterExpression=Attr("late").eq(True))
        return [_record(i) for i in items], more
