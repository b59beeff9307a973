"""The mutual-aid ledger's pages 职工互助保障 (DESIGN §4 "Mutual aid"): 互助计划 (plans and the fund),
参保登记 (roster import and premium payment), 会员 (lookup, member record and list) and 理赔
(claims list, the claim form and 试算). Every read and write goes through
``ui.operations.mutual_aid``."""
