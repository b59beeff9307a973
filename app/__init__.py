"""UnionDesk core: domain rules, data, services, reports and the command line. No Qt here."""

__version__ = "0.1.0"
APP_NAME = "UnionDesk"
WINDOW_TITLE = "工会信访帮扶台账系统 UnionDesk"
