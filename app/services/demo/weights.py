"""How often things happen at the demo desk: channels by kind of day, categories by channel, issue
types, dispositions, reasons for not accepting, and the rhythm of the year.
"""

from __future__ import annotations

from app.domain.enums import Category, Channel, Disposition, IssueType, RejectReason


HISTORY_DAYS = 3 * 365


PEAK_DAYS = 28                           # wage complaints peak in the 4 weeks before 春节


SHOULDER_DAYS = 42


CHANNELS_WORKDAY = ((Channel.CALL, 45), (Channel.VISIT, 25), (Channel.ONLINE, 15),
                    (Channel.LETTER, 8), (Channel.REFERRAL, 3), (Channel.OTHER, 2))


CHANNELS_RESTDAY = ((Channel.CALL, 62), (Channel.ONLINE, 33), (Channel.VISIT, 3), (Channel.OTHER, 2))


CATEGORIES_BY_CHANNEL: dict[Channel, tuple[tuple[Category, float], ...]] = {
    Channel.CALL: ((Category.CONSULT, 62), (Category.COMPLAINT, 15), (Category.HELP, 10),
                   (Category.REPORT, 2), (Category.LEGAL_AID, 4), (Category.SUGGEST, 3),
                   (Category.THANKS, 2), (Category.OTHER, 2)),
    Channel.VISIT: ((Category.CONSULT, 30), (Category.COMPLAINT, 30), (Category.HELP, 20),
                    (Category.REPORT, 5), (Category.LEGAL_AID, 10), (Category.SUGGEST, 2),
                    (Category.THANKS, 2), (Category.OTHER, 1)),
    Channel.LETTER: ((Category.CONSULT, 15), (Category.COMPLAINT, 35), (Category.HELP, 15),
                     (Category.REPORT, 15), (Category.LEGAL_AID, 5), (Category.SUGGEST, 10),
                     (Category.THANKS, 3), (Category.OTHER, 2)),
    Channel.ONLINE: ((Category.CONSULT, 45), (Category.COMPLAINT, 25), (Category.HELP, 10),
                     (Category.REPORT, 6), (Category.LEGAL_AID, 4), (Category.SUGGEST, 7),
                     (Category.THANKS, 2), (Category.OTHER, 1)),
    Channel.REFERRAL: ((Category.COMPLAINT, 50), (Category.HELP, 25), (Category.REPORT, 15),
                       (Category.CONSULT, 5), (Category.OTHER, 5)),
    Channel.OUTREACH: ((Category.CONSULT, 50), (Category.HELP, 20), (Category.COMPLAINT, 20),
                       (Category.SUGGEST, 10)),
    Channel.OTHER: ((Category.CONSULT, 50), (Category.COMPLAINT, 20), (Category.HELP, 15),
                    (Category.OTHER, 15)),
}


ISSUES_BASE: dict[IssueType, float] = {
    IssueType.WAGES: 36, IssueType.CONTRACT: 16, IssueType.SOCIAL_INSURANCE: 14,
    IssueType.INJURY: 9, IssueType.HOURS: 5, IssueType.WOMEN: 3, IssueType.RESTRUCTURING: 2,
    IssueType.BARGAINING: 2, IssueType.UNION_BUILDING: 3, IssueType.UNION_FUNDS: 1,
    IssueType.MODEL_WORKER: 1, IssueType.HARDSHIP: 3, IssueType.MUTUAL_AID: 2, IssueType.SAFETY: 1,
    IssueType.OTHER: 2,
}


ISSUE_BOOST: dict[Category, dict[IssueType, float]] = {
    Category.HELP: {IssueType.HARDSHIP: 8, IssueType.INJURY: 1.5, IssueType.MUTUAL_AID: 2},
    Category.SUGGEST: {IssueType.BARGAINING: 6, IssueType.UNION_BUILDING: 5, IssueType.UNION_FUNDS: 2,
                       IssueType.WAGES: 0.3},
    Category.REPORT: {IssueType.SAFETY: 6, IssueType.UNION_FUNDS: 5, IssueType.RESTRUCTURING: 2},
    Category.LEGAL_AID: {IssueType.WAGES: 1.3, IssueType.INJURY: 2.5, IssueType.CONTRACT: 1.5,
                         IssueType.UNION_BUILDING: 0, IssueType.UNION_FUNDS: 0,
                         IssueType.MODEL_WORKER: 0, IssueType.HARDSHIP: 0},
    Category.THANKS: {IssueType.WAGES: 1.5},
}


SECOND_ISSUE: dict[IssueType, tuple[IssueType, ...]] = {
    IssueType.WAGES: (IssueType.CONTRACT, IssueType.SOCIAL_INSURANCE, IssueType.HOURS),
    IssueType.CONTRACT: (IssueType.WAGES, IssueType.SOCIAL_INSURANCE),
    IssueType.SOCIAL_INSURANCE: (IssueType.CONTRACT, IssueType.WAGES),
    IssueType.INJURY: (IssueType.SOCIAL_INSURANCE, IssueType.CONTRACT),
    IssueType.HOURS: (IssueType.WAGES,),
    IssueType.WOMEN: (IssueType.CONTRACT, IssueType.WAGES),
    IssueType.HARDSHIP: (IssueType.MUTUAL_AID, IssueType.INJURY),
}


DISPOSITIONS: dict[Category, tuple[tuple[Disposition, float], ...]] = {
    Category.CONSULT: ((Disposition.ANSWERED, 86), (Disposition.ACCEPTED, 7),
                       (Disposition.TRANSFERRED, 4), (Disposition.NOT_ACCEPTED, 3)),
    Category.SUGGEST: ((Disposition.ANSWERED, 55), (Disposition.ACCEPTED, 45)),
    Category.HELP: ((Disposition.ACCEPTED, 70), (Disposition.ANSWERED, 10),
                    (Disposition.TRANSFERRED, 10), (Disposition.NOT_ACCEPTED, 10)),
    Category.COMPLAINT: ((Disposition.ACCEPTED, 68), (Disposition.NOT_ACCEPTED, 14),
                         (Disposition.TRANSFERRED, 11), (Disposition.ANSWERED, 7)),
    Category.REPORT: ((Disposition.ACCEPTED, 60), (Disposition.TRANSFERRED, 25),
                      (Disposition.NOT_ACCEPTED, 15)),
    Category.LEGAL_AID: ((Disposition.ACCEPTED, 75), (Disposition.NOT_ACCEPTED, 10),
                         (Disposition.ANSWERED, 15)),
    Category.THANKS: ((Disposition.ANSWERED, 100),),
    Category.OTHER: ((Disposition.ANSWERED, 70), (Disposition.TRANSFERRED, 20),
                     (Disposition.NOT_ACCEPTED, 10)),
}


REJECT_WEIGHTS = ((RejectReason.ARBITRATION, 35), (RejectReason.INSPECTION, 25),
                  (RejectReason.LITIGATION, 12), (RejectReason.OTHER_AGENCY, 10),
                  (RejectReason.PENDING, 8), (RejectReason.NOT_UNION, 6), (RejectReason.NO_FACTS, 4))
