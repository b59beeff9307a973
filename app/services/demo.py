"""Realistic, reproducible demo data (``uniondesk demo``).

``generate(db, seed=1, people=None, progress=None, registrations=None)`` fills an EMPTY database
with an office profile, one account per role, employers, people, and the petition desk's
registrations, cases (with timelines), outreach events and hot-spot warnings over the three years
before the demo's fixed "today" (``base_time``), all derived from ``seed`` alone: the same seed
(and the same sizes) gives the same rows, on any machine. Everything happens in one write
transaction, so a cancelled or failed run leaves the database as it was.

The work is a list of steps (``STEPS``). A step is one function ``step(run) -> str`` that writes
through ``run.session``, draws its random numbers from ``run.rng("<step name>")`` (its own stream,
so adding a step never changes what the others produce), reports progress with ``run.report`` and
returns one Chinese sentence fragment for the summary.

People, registrations, cases and timeline events are written with SQLAlchemy Core bulk inserts in
batches (no ORM object per row), so a 1,000,000-person, 1,000,000-registration database for the
benchmark takes minutes. Registration and case numbers use ``numbering``'s formats and are gap-free
per year; the counters table ends at the last numbers used, so ``registration.register`` continues them.
"""
from __future__ import annotations

import bisect
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app.db import Database
from app.db.dialect import sync_id_sequences
from app.db.models import (Base, CalendarDay, Case, CaseEvent, CaseSuspension, Counter, Employer,
                           EmployerInitials, HotspotWarning, OutreachEvent, Person, Registration,
                           RegistrationIssue, User)
from app.domain import case_clock
from app.domain.actor import SYSTEM_ACTOR
from app.domain.case_clock import DeadlineRules
from app.domain.enums import (REJECT_REDIRECTS, AssigneeKind, CaseEventKind, CaseStatus, Category,
                              Channel, DayKind, Disposition, ExtensionStatus, FollowUp, Gender,
                              HotspotKind, IssueType, Measure, Outcome, RejectReason, Role,
                              SuspendReason)
from app.domain.errors import UserError
from app.domain.money import format_yuan
from app.domain.pinyin import initials, inner_suffixes

from . import audit, numbering
from . import calendar as calendar_service
from . import settings as settings_service
from .passwords import hash_password

Progress = Callable[[float, str], None]

DEFAULT_PEOPLE = 2000
DEFAULT_EMPLOYERS = 200
MAX_PEOPLE = 5_000_000
DEMO_PASSWORD = "demo1234"
BATCH = 20_000

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

OFFICE_PROFILE = {
    "office.name": "北京市朝阳区总工会",
    "office.doc_prefix": "朝工信",
    "office.address": "北京市朝阳区朝阳北路101号",
    "office.phone": "010-65012351",
    "office.postcode": "100020",
    "office.contact": "李晓燕",
}

# (username, role, display name)
ACCOUNTS = (
    ("admin", Role.ADMIN, "王建华"),
    ("clerk", Role.CLERK, "李晓燕"),
    ("caseworker", Role.CASEWORKER, "张志强"),
    ("manager", Role.MANAGER, "刘淑芬"),
)

# Surnames with their approximate share of the population (per mille; ranking of 2020).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
    ("吴", 19), ("周", 19), ("徐", 13), ("孙", 13), ("马", 11), ("朱", 11), ("胡", 10), ("郭", 10),
    ("何", 9), ("林", 9), ("高", 9), ("罗", 8), ("郑", 7), ("梁", 7), ("谢", 6), ("宋", 6),
    ("唐", 6), ("许", 5), ("韩", 5), ("冯", 5), ("邓", 5), ("曹", 5), ("彭", 5), ("曾", 4),
    ("肖", 4), ("田", 4), ("董", 4), ("袁", 4), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 3),
    ("余", 3), ("杜", 3), ("叶", 3), ("程", 3), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 2.5), ("钟", 2.5), ("谭", 2.5),
    ("陆", 2.5), ("汪", 2.5), ("范", 2.5), ("金", 2.5), ("石", 2.5), ("廖", 2), ("贾", 2),
    ("夏", 2), ("韦", 2), ("付", 2), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2), ("熊", 2),
    ("秦", 2), ("邱", 2), ("江", 2), ("尹", 1.5), ("薛", 1.5), ("闫", 1.5), ("段", 1.5),
    ("雷", 1.5), ("侯", 1.5), ("龙", 1.5), ("史", 1.5), ("陶", 1.5), ("黎", 1.2), ("贺", 1.2),
    ("顾", 1.2), ("毛", 1.2), ("郝", 1.2), ("龚", 1.2), ("邵", 1.2), ("万", 1.2), ("钱", 1.2),
    ("严", 1.2), ("覃", 1), ("武", 1), ("戴", 1), ("莫", 1), ("孔", 1), ("向", 1), ("汤", 1),
    ("常", 1), ("温", 0.8), ("康", 0.8), ("施", 0.8), ("文", 0.8), ("牛", 0.8), ("樊", 0.8),
    ("葛", 0.8), ("邢", 0.8), ("安", 0.7), ("齐", 0.7), ("易", 0.7), ("乔", 0.7), ("伍", 0.7),
    ("庞", 0.7), ("颜", 0.6), ("倪", 0.6), ("庄", 0.6), ("聂", 0.6), ("章", 0.6), ("鲁", 0.6),
    ("岳", 0.6), ("翟", 0.5), ("殷", 0.5), ("詹", 0.5), ("申", 0.5), ("欧", 0.5), ("耿", 0.5),
    ("关", 0.5), ("兰", 0.4), ("焦", 0.4), ("俞", 0.4), ("左", 0.4), ("柳", 0.4), ("甘", 0.4),
    ("祝", 0.4), ("包", 0.4), ("单", 0.3), ("解", 0.2), ("查", 0.2), ("欧阳", 0.3),
    ("司马", 0.05), ("上官", 0.05), ("诸葛", 0.03),
)

GIVEN_MALE_2 = (
    "建华 建国 建军 建平 建伟 建新 志强 志刚 志明 志勇 志华 志军 国强 国华 国庆 国栋 国平 国良 "
    "文华 文斌 文杰 文涛 明辉 明亮 明华 永强 永刚 永红 永生 海涛 海波 海军 海峰 海龙 晓东 晓明 "
    "晓峰 晓光 俊杰 俊峰 俊豪 子轩 子豪 浩然 浩宇 宇航 宇轩 天宇 天佑 振华 振国 立新 立军 卫东 "
    "卫国 德明 德胜 德华 金龙 金海 宏伟 宏亮 春生 春雷 新民 学军 学文 玉林 玉明 保国 保军 家豪 "
    "家乐 思远 一鸣 博文 嘉豪 泽宇 成龙 世杰 向东 红军 庆华 兴旺 长江 胜利 铁军 大伟 小龙 小军 "
    "少华 少杰 福生 富贵 贵林 荣华 瑞祥 鹏飞 鹏程 云龙 云飞 树林 松林 光明 光辉 东升 东海 金山 "
    "庆丰 士杰 万里 昊天 一帆 奕辰 梓豪 宇辰 子墨 铭轩 皓轩 俊熙 梓睿 锦程 连生 守义 长春 "
    "德福 振宇 红兵 卫红 跃进 援朝 爱民 建设 利民 双喜 来福 二虎 大勇 俊峰 永福 继伟 新宇"
).split()
GIVEN_FEMALE_2 = (
    "秀英 秀兰 秀珍 秀梅 秀芳 秀云 桂英 桂兰 桂芳 桂珍 玉兰 玉梅 玉珍 玉华 丽华 丽娟 丽萍 丽红 "
    "淑珍 淑英 淑芬 淑华 美玲 美华 晓燕 晓红 晓丽 晓梅 晓霞 雪梅 雪莲 海燕 海霞 春梅 春燕 春花 "
    "红梅 红霞 红艳 金凤 金花 雅琴 雅婷 思雨 思琪 欣怡 欣然 梦琪 梦瑶 佳怡 佳琪 婷婷 静怡 慧敏 "
    "慧琳 诗涵 诗琪 雨涵 雨欣 子涵 紫涵 若曦 亚楠 文静 文娟 小红 小燕 小芳 艳红 艳玲 凤英 凤兰 "
    "翠花 翠萍 月娥 彩霞 素珍 素芬 爱华 爱玲 冬梅 莉莉 丹丹 娜娜 媛媛 晶晶 倩倩 琳琳 悦悦 一诺 "
    "可馨 梓萱 语桐 雨桐 欣妍 依依 芳芳 巧玲 凤霞 翠兰 兰英 美兰 秋菊 秋月 冬雪 玉霞 建英 "
    "红英 金兰 秀华 丽君 海英 春兰 晓静 梦洁 雅文 思彤"
).split()
GIVEN_MALE_1 = tuple("伟军勇磊涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林杰强亮峰成东海博晨阳昊")
GIVEN_FEMALE_1 = tuple("芳娜敏静丽艳娟霞燕玲丹萍红颖琳倩洁莉婷雪慧英梅兰琴婧蕾瑶")
# Names with rare characters (one outside the Basic Multilingual Plane): input methods and fonts
# must cope with them, so the demo data has a few.
GIVEN_RARE_MALE = ("𠀀", "堃", "喆", "龑", "燊", "犇", "昇", "垚", "子堃", "嘉喆")
GIVEN_RARE_FEMALE = ("玥", "珺", "婳", "淼", "喆", "玥彤", "珺瑶")

# Hukou regions for ID numbers: (code, place, first birth year, last birth year). A code is only
# used for people born while it existed (python-stdnum checks that), so old prefecture-era codes
# serve people born before 1983 and today's codes the younger ones.
BEIJING = "北京市"
REGIONS: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    BEIJING: (
        ("110101", "北京市东城区", 1900, 2100), ("110102", "北京市西城区", 1900, 2100),
        ("110105", "北京市朝阳区", 1900, 2100), ("110105", "北京市朝阳区", 1900, 2100),
        ("110105", "北京市朝阳区", 1900, 2100), ("110106", "北京市丰台区", 1900, 2100),
        ("110107", "北京市石景山区", 1900, 2100), ("110108", "北京市海淀区", 1900, 2100),
    ),
    "河南省": (
        ("410121", "河南省郑州市荥阳县", 1900, 1994), ("412301", "河南省商丘地区商丘市", 1900, 1997),
        ("412323", "河南省商丘地区民权县", 1900, 1997), ("412701", "河南省周口地区周口市", 1900, 2000),
        ("412601", "河南省许昌地区许昌市", 1900, 1986),
        ("410102", "河南省郑州市中原区", 1983, 2100), ("410105", "河南省郑州市金水区", 1983, 2100),
        ("410302", "河南省洛阳市老城区", 1983, 2100), ("410221", "河南省开封市杞县", 1983, 2100),
        ("410402", "河南省平顶山市新华区", 1983, 2100), ("411323", "河南省南阳市西峡县", 1994, 2100),
    ),
    "河北省": (
        ("132421", "河北省保定地区易县", 1900, 1994), ("132221", "河北省邢台地区邢台县", 1900, 1986),
        ("132821", "河北省廊坊地区三河县", 1900, 1988), ("132321", "河北省石家庄地区束鹿县", 1900, 1986),
        ("130102", "河北省石家庄市长安区", 1983, 2100), ("130202", "河北省唐山市路南区", 1983, 2100),
        ("130402", "河北省邯郸市邯山区", 1983, 2100), ("130302", "河北省秦皇岛市海港区", 1983, 2100),
    ),
    "四川省": (
        ("510121", "四川省成都市金堂县", 1900, 2100), ("510321", "四川省自贡市荣县", 1900, 2100),
        ("512401", "四川省内江地区内江市", 1900, 1985), ("512201", "四川省万县地区万县市", 1900, 1992),
        ("510104", "四川省成都市锦江区", 1990, 2100), ("510112", "四川省成都市龙泉驿区", 1983, 2100),
        ("510623", "四川省德阳市中江县", 1983, 2100), ("510521", "四川省泸州市泸县", 1983, 2100),
    ),
    "安徽省": (
        ("340121", "安徽省合肥市长丰县", 1900, 2100), ("340421", "安徽省淮南市凤台县", 1900, 2100),
        ("340621", "安徽省淮北市濉溪县", 1900, 2100), ("342101", "安徽省阜阳地区阜阳市", 1900, 1996),
        ("342201", "安徽省宿县地区宿州市", 1900, 1998), ("340321", "安徽省蚌埠市怀远县", 1983, 2100),
        ("340202", "安徽省芜湖市镜湖区", 1983, 2100), ("340802", "安徽省安庆市迎江区", 1983, 2100),
    ),
    "山东省": (
        ("370121", "山东省济南市历城县", 1900, 1987), ("372321", "山东省滨州地区惠民县", 1900, 2000),
        ("372401", "山东省德州地区德州市", 1900, 1994), ("370421", "山东省枣庄市滕县", 1900, 1988),
        ("370102", "山东省济南市历下区", 1983, 2100), ("370202", "山东省青岛市市南区", 1983, 2100),
        ("370602", "山东省烟台市芝罘区", 1983, 2100), ("370702", "山东省潍坊市潍城区", 1983, 2100),
    ),
    "湖北省": (
        ("422822", "湖北省恩施土家族苗族自治州建始县", 1900, 2100),
        ("422121", "湖北省黄冈地区黄冈县", 1900, 1990), ("422421", "湖北省荆州地区江陵县", 1900, 1994),
        ("420121", "湖北省武汉市汉阳县", 1900, 1992), ("420102", "湖北省武汉市江岸区", 1983, 2100),
        ("420106", "湖北省武汉市武昌区", 1983, 2100), ("420624", "湖北省襄樊市南漳县", 1983, 2100),
    ),
    "湖南省": (
        ("430121", "湖南省长沙市长沙县", 1900, 2100), ("430321", "湖南省湘潭市湘潭县", 1900, 2100),
        ("432401", "湖南省常德地区常德市", 1900, 1988), ("432301", "湖南省益阳地区益阳市", 1900, 1994),
        ("430421", "湖南省衡阳市衡阳县", 1983, 2100), ("430621", "湖南省岳阳市岳阳县", 1983, 2100),
        ("430103", "湖南省长沙市天心区", 1996, 2100), ("430521", "湖南省邵阳市邵东县", 1983, 2019),
    ),
    "甘肃省": (
        ("620121", "甘肃省兰州市永登县", 1900, 2100), ("620123", "甘肃省兰州市榆中县", 1900, 2100),
        ("622921", "甘肃省临夏回族自治州临夏县", 1900, 2100),
        ("622421", "甘肃省定西地区定西县", 1900, 2003), ("622621", "甘肃省陇南地区武都县", 1900, 2004),
        ("620102", "甘肃省兰州市城关区", 1983, 2100), ("620103", "甘肃省兰州市七里河区", 1983, 2100),
    ),
}
# Share of people by hukou province (Beijing hukou vs. the usual migrant-worker provinces).
PROVINCE_WEIGHTS = (
    (BEIJING, 45), ("河南省", 12), ("河北省", 11), ("安徽省", 7), ("山东省", 7), ("四川省", 6),
    ("湖北省", 4), ("湖南省", 4), ("甘肃省", 4),
)
BIRTH_FIRST = date(1960, 1, 1)
BIRTH_LAST = date(2005, 12, 31)

MOBILE_PREFIXES = tuple(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "170 171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 198 199"
    .split())

# Streets (街道/地区) of 朝阳区 with some of their roads, for employers and residents.
STREETS: dict[str, tuple[str, ...]] = {
    "建外街道": ("建国门外大街", "建国路", "东三环中路", "光华路"),
    "朝外街道": ("朝阳门外大街", "工人体育场东路", "吉祥里"),
    "呼家楼街道": ("东三环北路", "金台路", "呼家楼北街"),
    "三里屯街道": ("三里屯路", "工人体育场北路", "幸福三村"),
    "左家庄街道": ("左家庄东街", "曙光西里", "静安里"),
    "香河园街道": ("香河园路", "光熙门北里", "西坝河南路"),
    "和平街街道": ("和平街北口", "樱花园东街", "小黄庄北街"),
    "安贞街道": ("北三环东路", "安贞路", "安华西里"),
    "亚运村街道": ("北辰东路", "慧忠里", "安慧里"),
    "小关街道": ("惠新东街", "小关北里", "惠新里"),
    "酒仙桥街道": ("酒仙桥路", "驼房营路", "将台路"),
    "麦子店街道": ("农展馆南路", "枣营路", "朝阳公园路"),
    "团结湖街道": ("团结湖路", "水碓子东路", "农展馆北路"),
    "六里屯街道": ("甜水园街", "延静里", "八里庄东里"),
    "八里庄街道": ("朝阳路", "十里堡路", "延静东里"),
    "双井街道": ("广渠路", "东三环南路", "双井桥东"),
    "劲松街道": ("劲松路", "武圣路", "农光里"),
    "潘家园街道": ("潘家园路", "华威路", "松榆北路"),
    "垡头街道": ("垡头路", "翠城馨园", "化工路"),
    "大屯街道": ("大屯路", "安立路", "慧忠北路"),
    "望京街道": ("望京街", "阜通东大街", "广顺北大街", "利泽中街"),
    "奥运村街道": ("北辰西路", "科荟路", "大屯北路"),
    "首都机场街道": ("机场南路", "机场西路"),
    "十八里店地区": ("十八里店南桥", "周庄路", "吕家营路"),
    "高碑店地区": ("高碑店路", "通惠河北路", "西店路"),
    "来广营地区": ("北苑路", "来广营西路", "立水桥南路"),
    "崔各庄地区": ("京顺路", "何各庄路", "草场地路"),
    "常营地区": ("常营路", "朝阳北路", "长楹天街"),
    "管庄地区": ("管庄路", "双桥路"),
    "金盏地区": ("金盏路", "楼梓庄路"),
}
COMPOUNDS = ("望京西园", "望京花园", "团结湖北里", "劲松八区", "潘家园小区", "富力城", "安贞里",
             "和平街十一区", "左家庄北里", "呼家楼南里", "甘露园南里", "十里堡北里", "八里庄西里",
             "芍药居北里", "惠新西街", "大屯里", "北苑家园", "常营丽景园", "管庄西里", "垡头翠城",
             "百子湾家园", "高碑店北路小区", "双井小区", "安慧北里", "华纺易城", "远洋一方")
VILLAGES = ("崔各庄乡何各庄村", "金盏乡长店村", "孙河乡上辛堡村", "十八里店乡吕家营村",
            "来广营乡北湖渠村", "东坝乡驹子房村", "黑庄户乡郎各庄村", "豆各庄乡于家围村",
            "王四营乡官庄村", "平房乡石各庄村")

# Kinds of business -> (GB/T 4754 section stored as 行业, weight, business-scope words for names).
# The sections are the words the people service suggests, so statistics by industry group them.
BUSINESSES: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "建筑": ("建筑业", 16, ("建筑工程", "建设工程", "装饰工程", "建筑劳务", "市政工程", "防水工程")),
    "制造": ("制造业", 10, ("机械制造", "电子科技", "食品", "服装", "印刷", "汽车配件", "家具制造")),
    "餐饮": ("住宿和餐饮业", 14, ("餐饮管理", "餐饮服务", "食品餐饮", "快餐管理")),
    "住宿": ("住宿和餐饮业", 4, ("酒店管理", "宾馆", "公寓管理")),
    "零售": ("批发和零售业", 12, ("商贸", "超市", "商业连锁", "贸易", "百货")),
    "运输": ("交通运输、仓储和邮政业", 7, ("出租汽车", "运输", "客运", "汽车租赁")),
    "物流": ("交通运输、仓储和邮政业", 10, ("物流", "快递服务", "供应链管理", "速运", "仓储服务")),
    "居民服务": ("居民服务、修理和其他服务业", 11, ("家政服务", "保洁服务", "洗衣服务", "美容美发",
                                             "汽车维修")),
    "信息技术": ("信息传输、软件和信息技术服务业", 8, ("信息技术", "网络科技", "软件", "数据服务",
                                               "智能科技")),
    "物业": ("房地产业", 5, ("物业管理", "物业服务")),
    "保安": ("租赁和商务服务业", 3, ("保安服务", "安保服务", "人力资源服务")),
}
TRADE_NAMES = tuple(
    "恒通 鑫隆 华泰 宏达 远大 金诚 泰和 永盛 瑞丰 兴业 天成 嘉禾 联创 中盛 安顺 富源 汇通 "
    "顺达 鼎盛 盛世 东方 万家 京华 燕京 朝阳 长城 金桥 新元 同仁 和信 润泽 佳和 百福 九州 "
    "福满 利达 德胜 博远 云帆 星辰 宇通 凯达 海天 四季 鸿运 吉祥 君安 众合 诚信 华夏 祥云 "
    "和美 益康 乐家 速达 快通 捷诚 正阳 光华 世纪 新时代 北方 华北 京东 京通 亚联 恒信 "
    "泰康 广源 聚源 金鼎 银河 蓝天 绿源 中兴 华宇 天润 永和 福瑞 金泰 宏图 伟业".split())
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")


# ---------------------------------------------------------------------------------------------
# The run and its steps
# ---------------------------------------------------------------------------------------------

@dataclass
class DemoRun:
    """What a step works with. ``state`` carries results from earlier steps to later ones."""

    session: Session
    seed: int
    people: int
    employers: int
    base_time: datetime
    _progress: Progress | None
    registrations: int = 0
    _span: tuple[float, float] = (0.0, 1.0)
    _last: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A random stream of its own for each step, fixed by the seed."""
        return random.Random(f"uniondesk-demo/{self.seed}/{step}")

    def report(self, frac: float, message: str) -> None:
        """Progress within the current step (0..1). May raise Cancelled."""
        if self._progress is not None:
            lo, hi = self._span
            self._last = max(self._last, min(1.0, lo + (hi - lo) * max(0.0, min(1.0, frac))))
            self._progress(self._last, message)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoRun], str]
    weight: Callable[[DemoRun], float]  # share of the progress bar, in rough "rows" of work


def _office(run: DemoRun) -> str:
    run.report(0.0, "正在写入单位信息")
    clean = settings_service.validated(dict(OFFICE_PROFILE))
    settings_service.write_values(run.session, SYSTEM_ACTOR, clean)
    run.counts["settings"] = len(clean)
    return f"单位信息「{OFFICE_PROFILE['office.name']}」（文号代字「{OFFICE_PROFILE['office.doc_prefix']}」）"


def _accounts(run: DemoRun) -> str:
    run.report(0.0, "正在创建账号")
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    for username, role, display_name in ACCOUNTS:
        run.session.add(User(username=username, display_name=display_name, role=role.value,
                             password_hash=password_hash, active=True, failed_count=0,
                             must_change_password=False, created_at=run.base_time))
    run.session.flush()
    run.state["users"] = {u.username: (u.id, u.display_name) for u in run.session.execute(
        select(User.username, User.id, User.display_name)).all()}
    run.counts["users"] = len(ACCOUNTS)
    who = "、".join(f"{role.label}{display_name}（{username}）" for username, role, display_name in ACCOUNTS)
    return f"账号 {len(ACCOUNTS)} 个：{who}，密码均为 {DEMO_PASSWORD}"


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    body = [rng.randrange(10) for _ in range(8)]
    body[0] = rng.randrange(1, 10)
    total = sum(d * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - total % 11
    check = "X" if c == 10 else "0" if c == 11 else str(c)
    return "".join(map(str, body)) + check


def uscc_for(prefix: str, org_code: str) -> str:
    """A unified social credit code from its first 17 characters' parts, with the check digit."""
    from app.domain.validation import uscc_check_character
    body = prefix + org_code
    return body + uscc_check_character(body)


def _landline(rng: random.Random) -> str:
    return f"010-{rng.choice('5668')}{rng.randrange(10**7):07d}"


def _employers(run: DemoRun) -> str:
    rng = run.rng("employers")
    kinds = list(BUSINESSES)
    cum = _cumulative(BUSINESSES[k][1] for k in kinds)
    streets = list(STREETS)
    names: set[str] = set()
    codes: set[str] = set()
    rows = []
    n = run.employers
    for i in range(n):
        kind = kinds[bisect.bisect(cum, rng.random() * cum[-1])]
        industry, _, scopes = BUSINESSES[kind]
        scope = rng.choice(scopes)
        for attempt in range(50):
            trade = rng.choice(TRADE_NAMES)
            form = rng.random()
            if form < 0.55:
                name = f"北京{trade}{scope}{rng.choice(COMPANY_SUFFIXES)}"
            elif form < 0.75:
                name = f"北京市{trade}{scope}有限公司"
            elif form < 0.9:
                name = f"北京市朝阳区{trade}{scope}有限公司"
            else:
                name = f"{trade}（北京）{scope}有限公司"
            if attempt >= 10:
                name = name.replace("有限公司", f"朝阳第{attempt - 9}分公司")
            if name not in names:
                break
        names.add(name)
        small = kind in ("餐饮", "居民服务") and rng.random() < 0.3
        while True:  # 92 = individually owned business, 91 = company
            code = uscc_for(("92" if small else "91") + "110105", _org_code(rng))
            if code not in codes:
                break
        codes.add(code)
        street = rng.choice(streets)
        road = rng.choice(STREETS[street])
        contact = _full_name(rng, rng.random() < 0.5)
        rows.append({
            "name": name, "uscc": code, "industry": industry, "street": street,
            "has_union": rng.random() < 0.6,
            "address": f"北京市朝阳区{road}{rng.randrange(1, 300)}号",
            "contact": contact, "phone": _landline(rng),
            "initials": initials(name, surname=False)[:100],
            "created_at": run.base_time, "updated_at": run.base_time,
        })
        if (i + 1) % 500 == 0:
            run.report((i + 1) / n, f"正在生成用人单位 {i + 1}/{n}")
    if rows:
        run.session.execute(insert(Employer.__table__), rows)
    got = run.session.execute(select(Employer.id, Employer.has_union, Employer.address,
                                     Employer.name, Employer.street, Employer.initials)
                              .order_by(Employer.id)).all()
    suffixes = [{"suffix": x, "employer_id": r.id} for r in got for x in sorted(inner_suffixes(r.initials))]
    for start in range(0, len(suffixes), 20_000):
        run.session.execute(insert(EmployerInitials.__table__), suffixes[start:start + 20_000])
    # Bigger and smaller employers: a long-tailed size per employer.
    sizes = [min(rng.paretovariate(1.5), 40.0) for _ in got]
    run.state["employers"] = [(r.id, r.has_union, r.address) for r in got]
    run.state["employer_cum"] = _cumulative(sizes)
    run.state["employer_names"] = {r.id: r.name for r in got}
    run.state["employer_streets"] = {r.id: r.street for r in got}
    unions = sum(1 for r in got if r.has_union)
    run.counts["employers"] = len(got)
    run.counts["employers_with_union"] = unions
    return f"用人单位 {len(got):,} 家（已建工会 {unions:,} 家）"


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_CUM = _cumulative(w for _, w in SURNAMES)


def _full_name(rng: random.Random, male: bool) -> str:
    surname = _SURNAME_LIST[bisect.bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    r = rng.random()
    if r < 0.004:
        given = rng.choice(GIVEN_RARE_MALE if male else GIVEN_RARE_FEMALE)
    elif r < 0.25:
        given = rng.choice(GIVEN_MALE_1 if male else GIVEN_FEMALE_1)
    else:
        given = rng.choice(GIVEN_MALE_2 if male else GIVEN_FEMALE_2)
    return surname + given


def id_number(region: str, birth: date, seq: int) -> str:
    """An 18-digit resident ID number with a valid check digit; ``seq`` odd = male."""
    from stdnum.cn import ric
    body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _people(run: DemoRun) -> str:
    from stdnum.cn import ric
    rng = run.rng("people")
    n = run.people
    employers = run.state.get("employers") or []
    emp_cum = run.state.get("employer_cum") or []
    provinces = [p for p, _ in PROVINCE_WEIGHTS]
    prov_cum = _cumulative(w for _, w in PROVINCE_WEIGHTS)
    # regions valid per (province, birth year)
    by_year: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for prov, entries in REGIONS.items():
        for year in range(BIRTH_FIRST.year, BIRTH_LAST.year + 1):
            by_year[(prov, year)] = [(c, place) for c, place, lo, hi in entries if lo <= year <= hi]
    first_day, span = BIRTH_FIRST.toordinal(), BIRTH_LAST.toordinal() - BIRTH_FIRST.toordinal() + 1
    base = run.base_time
    table = Person.__table__
    names_initials: dict[str, str] = {}
    used_ids: set[int] = set()
    calc = ric.calc_check_digit
    counts = {"migrants": 0, "model_workers": 0, "members": 0, "women": 0, "beijing_hukou": 0}
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows = []
        for _ in range(size):
            male = rng.random() < 0.56
            name = _full_name(rng, male)
            ini = names_initials.get(name)
            if ini is None:
                ini = names_initials[name] = initials(name)
            birth = date.fromordinal(first_day + rng.randrange(span))
            province = provinces[bisect.bisect(prov_cum, rng.random() * prov_cum[-1])]
            region, place = rng.choice(by_year[(province, birth.year)])
            stem = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}"
            while True:
                seq = rng.randrange(1, 500) * 2 + (1 if male else 0)
                body = f"{stem}{seq:03d}"
                key = int(body)
                if key not in used_ids:
                    used_ids.add(key)
                    break
            number = body + calc(body + "0")
            beijing = province == BEIJING
            migrant = not beijing and rng.random() < 0.64
            if employers and rng.random() < 0.95:
                emp_id, has_union, emp_address = employers[
                    bisect.bisect(emp_cum, rng.random() * emp_cum[-1])]
            else:
                emp_id, has_union, emp_address = None, False, ""
            member = rng.random() < (0.75 if has_union else 0.3 if emp_id else 0.2)
            model = rng.random() < 0.005
            r = rng.random()
            if migrant and r < 0.25 and emp_address:
                address = f"{emp_address}（单位宿舍）"
            elif migrant and r < 0.6:
                address = f"北京市朝阳区{rng.choice(VILLAGES)}{rng.randrange(1, 400)}号"
            else:
                address = (f"北京市朝阳区{rng.choice(COMPOUNDS)}{rng.randrange(1, 30)}号楼"
                           f"{rng.randrange(1, 7)}单元{rng.randrange(1, 25)}{rng.randrange(1, 9):02d}")
            phone = (f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
                     if rng.random() < 0.98 else None)
            created = base - timedelta(seconds=rng.randrange(3 * 365 * 86400))
            rows.append({
                "name": name, "initials": ini,
                "gender": Gender.MALE.value if male else Gender.FEMALE.value,
                "id_number": number, "birth_date": birth, "phone": phone,
                "hukou_place": place, "address": address, "employer_id": emp_id,
                "is_migrant": migrant, "is_model_worker": model, "is_member": member,
                "note": "", "created_at": created, "updated_at": created,
            })
            counts["migrants"] += migrant
            counts["model_workers"] += model
            counts["members"] += member
            counts["women"] += not male
            counts["beijing_hukou"] += beijing
        run.session.execute(insert(table), rows)
        done += size
        run.report(done / n, f"正在生成人员 {done}/{n}")
    run.counts["people"] = n
    run.counts.update(counts)
    return (f"人员 {n:,} 人（女职工 {counts['women']:,} 人、农民工 {counts['migrants']:,} 人、"
            f"劳模 {counts['model_workers']:,} 人、工会会员 {counts['members']:,} 人）")


# ---------------------------------------------------------------------------------------------
# The petition desk: outreach events, registrations, cases with their timelines, hot spots
# ---------------------------------------------------------------------------------------------
#
# Registrations are generated day by day over the last HISTORY_DAYS days up to the day before the
# demo's "today" (``base_time``), in time order, so registration and case numbers rise with time
# and are gap-free per year. Each accepted registration gets its case at once, with its whole
# (planned) life: acceptance, assignment, work, extension or suspension, conclusion, follow-up and
# archiving; only what happened up to ``last_day`` is written, so recent cases are still open and
# some are overdue. Deadlines come from ``app.domain.case_clock`` and the working calendar.

REGISTRATION_COUNTER = "registration"   # the names registration.register and cases.open_case number with
CASE_COUNTER = "case"
HISTORY_DAYS = 3 * 365
DEFAULT_REGISTRATIONS = 3000
MAX_REGISTRATIONS = 5_000_000
GROUP_SIZE = 5                           # 集体访: a visit of 5 or more (hotspot.group_size default)
PEAK_DAYS = 28                           # wage complaints peak in the 4 weeks before 春节
SHOULDER_DAYS = 42

# Channel weights (per cent); outreach comes from the events (about 2 %).
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
# Disposition weights by category (repeats and 不再受理 are decided before these).
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
TRANSFER_BODIES = ("朝阳区人力资源和社会保障局", "朝阳区劳动保障监察大队", "朝阳区劳动人事争议仲裁委员会",
                   "朝阳区司法局法律援助中心", "朝阳区住房和城乡建设委员会", "朝阳区市场监督管理局",
                   "朝阳区卫生健康委员会", "朝阳区应急管理局")
TRANSFER_REASONS = ("属该单位法定职责范围，依法转送办理", "涉及劳动保障监察事项，转送主管部门处理",
                    "涉及建设工程领域欠薪，转送行业主管部门督促解决", "需由主管部门调查核实，依法转送")
DEPARTMENTS = ("区总工会权益保障部", "区总工会法律服务中心", "区总工会职工服务中心", "区总工会基层工作部")
LEADERS = ("赵国栋", "孙丽萍", "周建新", "陈卫东")   # 区总工会主席、副主席 (包案领导, 领导接待日)

JOBS = ("钢筋工", "木工", "瓦工", "架子工", "保洁员", "服务员", "厨师", "快递员", "外卖骑手", "保安员",
        "司机", "仓库管理员", "销售员", "程序员", "客服专员", "装卸工", "收银员", "家政服务员", "电工",
        "焊工", "物业维修工", "理货员", "美发师", "会计")
# Phrase lists; {e} = employer, {j} = job, {p} = period, {a} = amount, {n} = head count,
# {s} = start month. Each text is short (about 20–60 characters).
SUMMARIES: dict[IssueType, tuple[str, ...]] = {
    IssueType.WAGES: ("反映{e}拖欠其{p}工资{a}元", "反映在{e}从事{j}工作，被拖欠工资{a}元",
                      "{e}{j}反映单位拖欠{p}工资未发", "反映{e}以资金紧张为由拖欠工资{a}元"),
    IssueType.CONTRACT: ("反映{e}未与其签订书面劳动合同", "反映{e}单方解除劳动合同未支付经济补偿",
                         "咨询{e}调岗降薪是否合法", "反映{e}试用期满无故将其辞退"),
    IssueType.SOCIAL_INSURANCE: ("反映{e}未为其缴纳社会保险", "反映{e}按最低基数缴纳社会保险",
                                 "咨询离职后社会保险转移接续办理", "反映{e}拖欠社会保险费导致无法报销"),
    IssueType.INJURY: ("反映在{e}工作期间受伤，单位不申报工伤", "咨询工伤认定及劳动能力鉴定程序",
                       "反映{e}拒绝支付工伤医疗费用", "反映在{e}患职业病，要求落实待遇"),
    IssueType.HOURS: ("反映{e}长期安排加班不支付加班费", "反映{e}不安排带薪年休假",
                      "反映{e}每天工作十二小时无休息日"),
    IssueType.WOMEN: ("反映{e}在孕期将其调岗降薪", "反映{e}未落实女职工产假待遇",
                      "反映{e}哺乳期内解除其劳动合同"),
    IssueType.RESTRUCTURING: ("反映{e}改制中职工安置方案不合理", "反映{e}改制后拖欠职工经济补偿"),
    IssueType.BARGAINING: ("建议{e}建立工资集体协商机制", "反映{e}未经职代会讨论修改规章制度"),
    IssueType.UNION_BUILDING: ("咨询{e}如何组建工会", "反映{e}工会会员权益未落实",
                               "咨询新就业形态劳动者如何加入工会"),
    IssueType.UNION_FUNDS: ("反映{e}工会经费使用不规范", "反映{e}工会经费未按规定拨缴"),
    IssueType.MODEL_WORKER: ("咨询劳模荣誉津贴发放标准", "反映劳模待遇未按规定落实"),
    IssueType.HARDSHIP: ("反映家庭生活困难，申请困难职工帮扶", "反映因病致困，申请临时救助",
                         "反映子女上学困难，申请金秋助学"),
    IssueType.MUTUAL_AID: ("咨询职工互助保障住院津贴理赔", "反映互助保障理赔进度缓慢"),
    IssueType.SAFETY: ("反映{e}作业现场存在安全隐患", "反映{e}发生安全事故后善后处理问题"),
    IssueType.OTHER: ("咨询职工权益相关政策", "反映{e}职工食堂卫生问题", "反映{e}宿舍条件差"),
}
GROUP_SUMMARIES = ("{n}名{j}集体反映{e}拖欠{p}工资共计{a}元", "{e}{n}名职工集体来访反映拖欠工资",
                   "{n}名农民工反映{e}拖欠{p}劳务费{a}元")
REQUESTS: dict[IssueType, tuple[str, ...]] = {   # same order as SUMMARIES and FACTS
    IssueType.WAGES: ("要求{e}足额支付拖欠工资", "要求尽快结清拖欠的工资", "请求工会协调单位支付欠薪",
                      "要求单位结清工资并支付经济补偿"),
    IssueType.CONTRACT: ("要求补签劳动合同并支付二倍工资差额", "要求支付解除劳动合同经济补偿金",
                         "要求恢复原岗位及工资待遇", "要求支付违法解除劳动合同赔偿金"),
    IssueType.SOCIAL_INSURANCE: ("要求单位依法补缴社会保险", "要求按实际工资补缴社会保险差额",
                                 "请求指导办理社保转移接续", "要求单位补缴社保并赔偿医疗费损失"),
    IssueType.INJURY: ("要求单位申报工伤并承担医疗费用", "请求指导申请工伤认定",
                       "要求单位支付工伤医疗费用", "要求落实职业病待遇"),
    IssueType.HOURS: ("要求支付加班费", "要求依法安排带薪年休假", "要求依法安排休息休假"),
    IssueType.WOMEN: ("要求恢复原岗位及工资待遇", "要求依法落实产假工资", "要求撤销解除劳动合同决定"),
    IssueType.HARDSHIP: ("请求给予困难帮扶", "请求给予临时救助", "请求给予助学帮扶"),
}
REQUEST_DEFAULT = ("请求工会帮助协调解决", "请求给予政策解答", "请求依法维护合法权益")
FACTS: dict[IssueType, tuple[str, ...]] = {
    IssueType.WAGES: ("自{p}起单位以资金紧张为由未发放工资，多次催要无果",
                      "项目完工后包工头称总包单位未结算，工资一直未付",
                      "离职时单位承诺一个月内结清工资，至今未兑现", "单位负责人失联，工资无人支付"),
    IssueType.CONTRACT: ("入职至今单位未签订书面劳动合同", "单位以业绩不达标为由口头通知解除劳动合同",
                         "单位强行调整工作岗位并降低工资", "试用期满前三天单位通知其不予录用"),
    IssueType.SOCIAL_INSURANCE: ("工作期间单位未缴纳社会保险费", "单位仅按最低基数缴费，与实际工资不符",
                                 "已离职，新单位所在地需办理社保转移", "单位欠缴社保费，住院费用无法报销"),
    IssueType.INJURY: ("工作中受伤住院，单位拒绝申报工伤", "工作中受伤，不清楚工伤认定申请程序",
                       "工伤认定后单位拒不支付医疗费和停工留薪期工资", "经诊断患有职业病，单位不予认可"),
    IssueType.HOURS: ("每周工作六天，每天工作十小时以上，从未支付加班费", "入职三年从未休过年休假",
                      "每天工作十二小时，每月仅休息两天"),
    IssueType.WOMEN: ("怀孕后单位将其调离原岗位并降低工资", "休产假期间单位停发工资",
                      "哺乳期内单位以机构调整为由解除劳动合同"),
    IssueType.HARDSHIP: ("家中老人长期患病，收入难以维持生活", "本人患重病住院，医疗费用负担重",
                         "子女考上大学，学费难以筹措"),
}
FACTS_DEFAULT = ("有关情况已多次向单位反映，未得到解决", "因不了解相关政策，特来咨询")
ANSWERS = ("已告知可向劳动保障监察机构投诉或申请劳动仲裁", "已解答相关政策规定，当事人表示理解",
           "已告知申请法律援助的条件和材料", "已介绍工伤认定的申请程序和时限",
           "已告知社保转移接续的办理流程", "已解释相关法律规定并提供维权指引")
NOTES = ("已电话联系{e}负责人核实情况", "约谈{e}负责人，单位承诺限期解决",
         "联合劳动保障监察大队赴{e}现场核查", "已调取考勤记录和工资表，情况基本属实",
         "组织双方调解，已达成初步意见", "已向当事人通报办理进展")
MEASURE_TEXTS: dict[Measure, tuple[str, ...]] = {
    Measure.GUIDANCE: ("向当事人解答相关法律政策",),
    Measure.LEGAL_AID: ("指派工会律师提供法律援助",),
    Measure.MEDIATION: ("组织劳资双方调解",),
    Measure.ASSISTANCE: ("给予困难职工生活救助",),
    Measure.COUNSELING: ("安排心理咨询师进行疏导",),
    Measure.COORDINATION: ("协调有关部门共同处理",),
}
OUTCOME_TEXTS: dict[Outcome, tuple[str, ...]] = {
    Outcome.SUPPORTED: ("经协调，单位已全额支付", "诉求合理，已协调单位落实"),
    Outcome.PARTLY: ("经调解，单位支付部分款项，余款约定分期支付", "部分诉求得到支持"),
    Outcome.EXPLAINED: ("已向当事人解释相关政策规定", "已说明法律规定及维权途径"),
    Outcome.NOT_SUPPORTED: ("诉求缺乏事实依据，不予支持",),
}
FOLLOWUP_NOTES: dict[FollowUp, tuple[str, ...]] = {
    FollowUp.SATISFIED: ("当事人对处理结果表示满意", "当事人表示感谢"),
    FollowUp.BASICALLY: ("当事人对处理结果基本满意",),
    FollowUp.DISSATISFIED: ("当事人认为追回金额偏低", "当事人对处理时间较长不满意"),
    FollowUp.UNREACHABLE: ("电话三次无人接听",),
}
EXTENSION_REASONS = ("需调取相关证据材料，调查核实工作量大", "涉及人数较多，需多部门协调处理",
                     "单位负责人外出，需待其返回后协调")
OUTREACH_THEMES = ("「工情直通车」走进{s}", "「工情直通车」农民工欠薪专场（{s}）",
                   "「工会进万家」法律服务进{s}", "新就业形态劳动者权益服务进{s}",
                   "「尊法守法·携手筑梦」普法宣传进{s}")
OUTREACH_DEPARTMENTS = "区人力社保局、区司法局、区劳动保障监察大队、区住建委、区总工会法律服务中心"


def _weighted(pairs) -> tuple[list, list[float]]:
    pairs = list(pairs)
    items = [k for k, _ in pairs]
    return items, _cumulative(w for _, w in pairs)


def _pick(rng: random.Random, table: tuple[list, list[float]]):
    items, cum = table
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _spring_festivals(session: Session) -> list[date]:
    """The first 春节 holiday of each year in the calendar table (the seed covers 2004–2026)."""
    rows = session.execute(select(CalendarDay.day).where(CalendarDay.name == "春节",
                                                         CalendarDay.kind == DayKind.HOLIDAY.value)
                           .order_by(CalendarDay.day)).scalars().all()
    first: dict[int, date] = {}
    for d in rows:
        first.setdefault(d.year, d)
    return sorted(first.values())


def spring_peak(day: date, festivals: list[date]) -> float:
    """1 in the 4 weeks before 春节, 0.4 in the two weeks before those, else 0."""
    i = bisect.bisect_right(festivals, day)
    if i == len(festivals):
        return 0.0
    left = (festivals[i] - day).days
    return 1.0 if left <= PEAK_DAYS else 0.4 if left <= SHOULDER_DAYS else 0.0


@dataclass
class _Plan:
    """What the registrations step is asked to inject on a day besides the ordinary flow."""
    outreach: list[tuple[int, int]] = field(default_factory=list)   # (event id, rows)
    cluster: list[int] = field(default_factory=list)                # employer ids, one row each
    group: int = 0                                                  # forced group visits


class _Desk:
    """Generates the registrations and cases of one demo run. Not thread-safe; one use."""

    def __init__(self, run: DemoRun):
        self.run = run
        s = run.session
        self.s = s
        self.rng = run.rng("registrations")
        self.case_rng = run.rng("cases")
        self.n = run.registrations
        self.last_day = run.base_time.date() - timedelta(days=1)
        self.first_day = self.last_day - timedelta(days=HISTORY_DAYS - 1)
        self.cal = calendar_service._load(s, self.first_day.year - 1, self.last_day.year + 1)
        self.rules = DeadlineRules()
        self.festivals = _spring_festivals(s)
        users = run.state.get("users") or {u.username: (u.id, u.display_name) for u in s.execute(
            select(User.username, User.id, User.display_name)).all()}
        self.users = users
        self.clerk = users.get("clerk", (None, "clerk"))[0]
        self.handlers = [(users[u][0], u, users[u][1]) for u in ("caseworker", "manager") if u in users]
        self.manager = users["manager"][0] if "manager" in users else None
        persons = s.execute(select(Person.id, Person.employer_id).order_by(Person.id)).all()
        self.person_ids = [p.id for p in persons]
        self.person_employer = {p.id: p.employer_id for p in persons} if len(persons) < 200_000 else None
        if self.person_employer is None:   # big runs: an array indexed by id - first id
            self.person_base = persons[0].id if persons else 0
            self.person_emp_arr = [p.employer_id or 0 for p in persons]
        del persons
        names = run.state.get("employer_names")
        if names is None:
            names = {r.id: r.name for r in s.execute(select(Employer.id, Employer.name)).all()}
        self.employer_names: dict[int, str] = names
        self.employer_streets: dict[int, str] = run.state.get("employer_streets") or {}
        self.employer_ids = sorted(names)
        emp_cum = run.state.get("employer_cum")
        self.employer_cum = emp_cum if emp_cum and len(emp_cum) == len(self.employer_ids) \
            else _cumulative(1.0 for _ in self.employer_ids)
        self.reg_id = (s.scalar(select(func.max(Registration.id))) or 0)
        self.case_id = (s.scalar(select(func.max(Case.id))) or 0)
        self.counters: dict[tuple[str, int], int] = {}
        self.recent_cases: list[tuple[int, int, int | None, str, date]] = []
        self.groups: list[tuple[int, int | None, datetime, int]] = []     # for hot-spot warnings
        self.clusters: list[tuple[int, list[tuple[int, datetime]]]] = []
        self.due_memo: dict[tuple[date, bool, bool], date | None] = {}
        self.counts = {"cases": 0, "open": 0, "overdue": 0, "concluded": 0, "followed_up": 0,
                       "archived": 0, "group_visits": 0, "repeats": 0, "answered": 0,
                       "extended": 0, "suspended": 0, "recovered_fen": 0}
        self.ch_work = _weighted(CHANNELS_WORKDAY)
        self.ch_rest = _weighted(CHANNELS_RESTDAY)
        self.cat_by_channel = {c: _weighted(w) for c, w in CATEGORIES_BY_CHANNEL.items()}
        self.disp_by_cat = {c: _weighted(w) for c, w in DISPOSITIONS.items()}
        self.reject_table = _weighted(REJECT_WEIGHTS)
        self.nonwage: dict[Category, tuple[list, list[float]]] = {}
        self.wage_share: dict[Category, float] = {}
        for cat in Category:
            boost = ISSUE_BOOST.get(cat, {})
            w = {t: base * boost.get(t, 1.0) for t, base in ISSUES_BASE.items()}
            total = sum(w.values())
            self.wage_share[cat] = w[IssueType.WAGES] / total
            self.nonwage[cat] = _weighted((t, v) for t, v in w.items() if t is not IssueType.WAGES and v > 0)
        self.fts_direct = s.get_bind().dialect.name == "sqlite"
        self._reset_batch()

    # ------------------------------------------------------------------------ small helpers
    def _reset_batch(self) -> None:
        self.b_regs: list[dict] = []
        self.b_issues: list[dict] = []
        self.b_fts: list[dict] = []
        self.b_cases: list[dict] = []
        self.b_events: list[dict] = []
        self.b_susp: list[dict] = []

    def _next(self, name: str, year: int) -> int:
        n = self.counters.get((name, year), 0) + 1
        self.counters[(name, year)] = n
        return n

    def _employer_of(self, person_id: int | None) -> int | None:
        if person_id is None:
            return None
        if self.person_employer is not None:
            return self.person_employer.get(person_id)
        return self.person_emp_arr[person_id - self.person_base] or None

    def _random_employer(self, rng: random.Random) -> int | None:
        if not self.employer_ids:
            return None
        return self.employer_ids[bisect.bisect(self.employer_cum, rng.random() * self.employer_cum[-1])]

    def _random_person(self, rng: random.Random) -> int | None:
        return rng.choice(self.person_ids) if self.person_ids else None

    def _at(self, rng: random.Random, day: date, lo_h: float = 8.75, hi_h: float = 17.25) -> datetime:
        return datetime.combine(day, datetime.min.time()) + timedelta(
            seconds=int((lo_h + rng.random() * (hi_h - lo_h)) * 3600))

    @staticmethod
    def _seconds(rng: random.Random, channel: Channel, workday: bool) -> int:
        """Second of the day a contact arrives: office hours mostly; calls also in the evening
        (12351 hotline), online messages at any waking hour."""
        r = rng.random()
        if channel is Channel.CALL:
            lo, hi = (8.5, 17.5) if (workday and r < 0.72) or (not workday and r < 0.5) else (17.5, 21.5)
        elif channel is Channel.ONLINE:
            lo, hi = (7.0, 23.9)
        elif channel is Channel.VISIT:
            lo, hi = (8.75, 11.75) if r < 0.6 else (13.5, 17.0)
        else:
            lo, hi = (9.0, 17.0)
        return int((lo + rng.random() * (hi - lo)) * 3600)

    # ------------------------------------------------------------------------ planning
    def plan(self) -> tuple[list[date], list[int], dict[date, _Plan]]:
        rng = self.rng
        days = [self.first_day + timedelta(days=i) for i in range(HISTORY_DAYS)]
        plans: dict[date, _Plan] = {}
        injected = 0
        if self.n >= 200:   # an open employer hot spot and a group visit in the last days
            recent_work = [d for d in days[-10:] if self.cal.is_workday(d)][-5:]
            emp = self._random_employer(rng)
            if emp is not None and recent_work:
                for d in sorted(rng.sample(recent_work, min(3, len(recent_work)))):
                    plans.setdefault(d, _Plan()).cluster.append(emp)
                    injected += 1
                self.clusters.append((emp, []))
            if recent_work:
                plans.setdefault(recent_work[-1], _Plan()).group += 1
                injected += 1
        weights = []
        span = len(days)
        for i, d in enumerate(days):
            w = 1.0 if self.cal.is_workday(d) else 0.15
            w *= 1.0 + 0.25 * i / span                       # the hotline becomes better known
            w *= 1.0 + 0.7 * spring_peak(d, self.festivals)  # the rush before 春节
            w *= rng.uniform(0.8, 1.2)
            weights.append(w)
        outreach_rows = round(self.n * 0.02) if self.n >= 100 else 0
        self.events: list[dict] = []
        if outreach_rows:
            n_events = max(2, round(outreach_rows / 14))
            work_days = [d for d in days if self.cal.is_workday(d)]
            chosen = sorted(rng.sample(work_days, min(n_events, len(work_days))))
            sizes = [1] * len(chosen)
            for _ in range(outreach_rows - len(chosen)):
                sizes[rng.randrange(len(chosen))] += 1
            event_id0 = self.s.scalar(select(func.max(OutreachEvent.id))) or 0
            streets = list(STREETS)
            for k, (d, size) in enumerate(zip(chosen, sizes)):
                eid = event_id0 + k + 1
                street = rng.choice(streets)
                units = [self.employer_names[e] for e in
                         {self._random_employer(rng) for _ in range(rng.randint(3, 8))} if e is not None]
                self.events.append({
                    "id": eid, "theme": rng.choice(OUTREACH_THEMES).format(s=street),
                    "held_on": d, "place": f"{street}{rng.choice(STREETS[street])}职工之家",
                    "departments": OUTREACH_DEPARTMENTS, "units_present": "、".join(sorted(units)),
                    "workers_present": rng.randint(40, 300), "note": "",
                    "created_by": self.manager, "created_at": self._at(rng, d, 16.5, 18.0)})
                plans.setdefault(d, _Plan()).outreach.append((eid, size))
                injected += size
        main = max(0, self.n - injected)
        counts, acc, done = [], 0.0, 0
        total = sum(weights) or 1.0
        for w in weights:
            acc += w
            upto = round(acc / total * main)
            counts.append(upto - done)
            done = upto
        if injected > self.n:   # tiny runs: nothing injected beyond the total
            plans = {}
        return days, counts, plans

    # ------------------------------------------------------------------------ one registration
    def _issues(self, rng: random.Random, cat: Category, peak: float) -> list[IssueType]:
        share = self.wage_share[cat]
        if share > 0:
            m = 1.0 + 1.6 * peak
            share = share * m / (share * m + 1.0 - share)
        first = IssueType.WAGES if rng.random() < share else _pick(rng, self.nonwage[cat])
        out = [first]
        if rng.random() < 0.2 and first in SECOND_ISSUE:
            second = rng.choice(SECOND_ISSUE[first])
            out.append(second)
            if rng.random() < 0.1 and second in SECOND_ISSUE:
                third = rng.choice(SECOND_ISSUE[second])
                if third not in out:
                    out.append(third)
        return out

    def _texts(self, rng: random.Random, issue: IssueType, emp: int | None, day: date,
               heads: int) -> tuple[str, str, str]:
        e = self.employer_names.get(emp, "所在单位") if emp else "所在单位"
        months = rng.choice((1, 2, 2, 3, 3, 4, 6))
        start = (day.replace(day=1) - timedelta(days=30 * months))
        end = day.replace(day=1) - timedelta(days=1)
        p = month_span(start, end)
        per = rng.randrange(30, 180) * 100
        a = per * months * max(1, heads)
        j = rng.choice(JOBS)
        hired = start - timedelta(days=rng.randrange(0, 1500))
        s_ = f"{hired.year}年{hired.month}月"
        # one variant index for the three texts, so summary, request and facts tell one story
        v = rng.randrange(12)
        if heads >= GROUP_SIZE:
            summary = GROUP_SUMMARIES[v % len(GROUP_SUMMARIES)].format(e=e, j=j, p=p, a=a, n=heads)
        else:
            options = SUMMARIES[issue]
            summary = options[v % len(options)].format(e=e, j=j, p=p, a=a)
        options = REQUESTS.get(issue, REQUEST_DEFAULT)
        request = options[v % len(options)].format(e=e)
        options = FACTS.get(issue, FACTS_DEFAULT)
        fact = options[v % len(options)].format(p=p)
        facts = f"本人于{s_}入职{e}从事{j}工作，{fact}" if emp else fact
        return summary, request, facts

    def registration(self, day: date, secs: int, channel: Channel, *, employer: int | None = None,
                     event_id: int | None = None, group: bool = False, cluster: bool = False) -> dict:
        rng = self.rng
        workday = self.cal.is_workday(day)
        received = datetime.combine(day, datetime.min.time()) + timedelta(seconds=secs)
        peak = spring_peak(day, self.festivals)
        self.reg_id += 1
        rid = self.reg_id
        no = self._next(REGISTRATION_COUNTER, day.year)
        heads, is_group, reps = 1, False, "[]"
        if channel is Channel.VISIT and (group or rng.random() < 0.06):
            r = rng.random()
            heads = rng.randint(5, 10) if r < 0.6 else rng.randint(11, 30) if r < 0.9 else rng.randint(31, 60)
            is_group = True
        person = self._random_person(rng)
        if channel is Channel.CALL and not is_group and rng.random() < 0.08:
            person = None   # anonymous hotline consultation
        repeat_of = None
        disposition = None
        # a contact about an earlier case of the same person (重复信访), or a 不再受理
        if not is_group and event_id is None and not cluster and self.recent_cases and rng.random() < 0.04:
            case_id, p_id, emp_id, issue_code, accepted = rng.choice(self.recent_cases[-400:])
            if (day - accepted).days <= 365 and p_id is not None:
                person, employer, repeat_of = p_id, emp_id, case_id
                issues = [IssueType(issue_code)]
                cat = Category.COMPLAINT
                disposition = Disposition.NO_MORE if rng.random() < 0.06 else Disposition.REPEAT
        if repeat_of is None:
            if is_group or cluster:
                cat = Category.COMPLAINT
                issues = [IssueType.WAGES] + ([IssueType.SOCIAL_INSURANCE] if rng.random() < 0.2 else [])
            else:
                cat = _pick(rng, self.cat_by_channel[channel])
                issues = self._issues(rng, cat, peak)
            if employer is None:
                employer = self._employer_of(person) if rng.random() < 0.85 else None
                if employer is None and rng.random() < 0.7:
                    employer = self._random_employer(rng)
        leader = ""
        if channel is Channel.VISIT and workday and day.day <= 7 and day.weekday() == 2 and rng.random() < 0.5:
            leader = LEADERS[(day.month + day.year) % len(LEADERS)]   # 领导接待日: first Wednesday
        if is_group:
            reps = json.dumps([_full_name(rng, rng.random() < 0.6)
                               for _ in range(min(5, max(1, heads // 5)))], ensure_ascii=False)
        summary, request, facts = self._texts(rng, issues[0], employer, day, heads)
        solved = False
        if disposition is None:
            if event_id is not None:
                r = rng.random()
                disposition = (Disposition.ANSWERED if r < 0.55 else Disposition.ACCEPTED if r < 0.85
                               else Disposition.TRANSFERRED)
                solved = disposition is Disposition.ANSWERED
            elif is_group:
                disposition = Disposition.ACCEPTED if rng.random() < 0.85 else Disposition.TRANSFERRED
            elif cluster:
                disposition = Disposition.ACCEPTED
            else:
                disposition = _pick(rng, self.disp_by_cat[cat])
        row = {
            "id": rid, "reg_no": numbering.registration_no(day.year, no), "channel": channel.value,
            "received_at": received, "person_id": person, "head_count": heads, "is_group": is_group,
            "representatives": reps, "employer_id": employer, "category": cat.value,
            "summary": summary, "request": request, "facts": facts, "disposition": disposition.value,
            "answer": "", "reject_reason": None, "redirect_to": "", "transfer_to": "",
            "transfer_reason": "", "repeat_of_case_id": repeat_of, "earlier_documents": "",
            "outreach_event_id": event_id, "solved_on_site": solved,
            "leader_reception": bool(leader), "leader_name": leader, "created_by": self.clerk,
            "created_at": received + timedelta(minutes=rng.randint(2, 30)),
        }
        row["updated_at"] = row["created_at"]
        if disposition is Disposition.ANSWERED:
            row["answer"] = rng.choice(ANSWERS)
            self.counts["answered"] += 1
        elif disposition is Disposition.NOT_ACCEPTED:
            reason = _pick(rng, self.reject_table)
            row["reject_reason"] = reason.value
            row["redirect_to"] = REJECT_REDIRECTS[reason]
        elif disposition is Disposition.TRANSFERRED:
            row["transfer_to"] = rng.choice(TRANSFER_BODIES)
            row["transfer_reason"] = rng.choice(TRANSFER_REASONS)
        elif disposition is Disposition.REPEAT:
            self.counts["repeats"] += 1
        elif disposition is Disposition.NO_MORE:
            prefix = OFFICE_PROFILE["office.doc_prefix"]
            row["earlier_documents"] = (f"{prefix}〔{day.year - 1}〕{rng.randint(1, 400)}号、"
                                        f"{prefix}〔{day.year}〕{rng.randint(1, 200)}号")
        self.b_regs.append(row)
        for t in issues:
            self.b_issues.append({"registration_id": rid, "issue_type": t.value})
        notes = ""
        if disposition is Disposition.ACCEPTED:
            notes = self.case(row, cat, issues, heads, employer, person)
        if is_group:
            self.counts["group_visits"] += 1
            if day >= self.last_day - timedelta(days=30):
                self.groups.append((rid, employer, received, heads))
        if self.fts_direct:
            self.b_fts.append({"id": rid, "s": summary, "r": request, "f": facts, "n": notes})
        return row

    # ------------------------------------------------------------------------ its case
    def _due(self, accepted: date, category: str, extended: bool,
             suspensions: tuple[case_clock.Suspension, ...]) -> date | None:
        if suspensions:
            return case_clock.handling_due(self.cal, accepted, category, self.rules,
                                           extended=extended, suspensions=suspensions)
        key = (accepted, category in case_clock.SHORT_CATEGORIES, extended)
        due = self.due_memo.get(key)
        if due is None:
            due = self.due_memo[key] = case_clock.handling_due(self.cal, accepted, category, self.rules,
                                                               extended=extended)
        return due

    def case(self, reg: dict, cat: Category, issues: list[IssueType], heads: int,
             employer: int | None, person: int | None) -> str:
        """Write the case of an accepted registration as it stands on ``last_day``; return the
        text of its notes (indexed for content search)."""
        rng, cal, last = self.case_rng, self.cal, self.last_day
        received: datetime = reg["received_at"]
        accepted = received.date()
        self.case_id += 1
        cid = self.case_id
        case_no = numbering.case_no(accepted.year, self._next(CASE_COUNTER, accepted.year))
        short = cat.value in case_clock.SHORT_CATEGORIES
        group = heads >= GROUP_SIZE
        handler_id, handler_user, handler_name = (self.handlers[0] if rng.random() < 0.7 or len(self.handlers) < 2
                                                  else self.handlers[1]) if self.handlers else (None, "system", "")
        r = rng.random()
        kind = (AssigneeKind.HANDLER if r < 0.75 else AssigneeKind.DEPARTMENT if r < 0.9
                else AssigneeKind.LOWER_UNION)
        assignee = ("" if kind is AssigneeKind.HANDLER else rng.choice(DEPARTMENTS)
                    if kind is AssigneeKind.DEPARTMENT
                    else f"{self.employer_streets.get(employer) or rng.choice(list(STREETS))}总工会")
        assign_day = cal.add_workdays(cal.next_workday(accepted), rng.choice((0, 0, 1, 1, 2)))
        work_day = cal.add_workdays(assign_day, rng.randint(1, 4))
        extend = not short and rng.random() < 0.07
        suspend = not short and not extend and rng.random() < 0.025
        late = rng.random() < (0.05 if short else 0.08)
        if short:
            k = rng.randint(6, 10) if late else rng.randint(1, 5)
        elif extend:
            k = rng.randint(31, 36) if late else rng.randint(20, 30)
        else:
            k = rng.randint(21, 32) if late else int(rng.triangular(5, 20, 13))
        conclude = cal.add_workdays(accepted, max(k, 1))
        if conclude <= work_day:
            conclude = cal.add_workdays(work_day, 1)
        susp_start = susp_end = None
        if suspend:
            susp_start = cal.add_workdays(accepted, rng.randint(3, 8))
            susp_end = susp_start + timedelta(days=rng.randint(10, 45))
            conclude = cal.add_workdays(cal.next_workday(susp_end + timedelta(days=(conclude - accepted).days)), 0)
        if rng.random() < 0.01:   # a case that drags on
            conclude = cal.next_workday(conclude + timedelta(days=rng.randint(30, 120)))
        ext_req = ext_ok = None
        if extend:
            ext_req = cal.add_workdays(accepted, rng.randint(12, 17))
            ext_ok = cal.add_workdays(ext_req, 1)
        # as it stands on last_day
        extended = bool(extend and ext_ok <= last)
        susps: tuple[case_clock.Suspension, ...] = ()
        suspended = False
        if suspend and susp_start <= last:
            resumed = susp_end if susp_end <= last else None
            susps = (case_clock.Suspension(susp_start, resumed),)
            suspended = resumed is None
        due = self._due(accepted, cat.value, extended, susps)
        concluded = conclude <= last
        followup_day = cal.add_workdays(conclude, rng.randint(2, 8))
        followed = concluded and followup_day <= last and rng.random() < 0.97
        archive_day = cal.next_workday(followup_day + timedelta(days=rng.randint(20, 90)))
        archived = followed and archive_day <= last
        if archived:
            status = CaseStatus.ARCHIVED
        elif followed:
            status = CaseStatus.FOLLOWED_UP
        elif concluded:
            status = CaseStatus.CONCLUDED
        elif last < assign_day:
            status = CaseStatus.ACCEPTED
        elif last < work_day:
            status = CaseStatus.ASSIGNED
        else:
            status = CaseStatus.IN_PROGRESS
        assigned = status is not CaseStatus.ACCEPTED
        wages = IssueType.WAGES in issues
        outcome = None
        recovered = workers = 0
        if concluded:
            o = rng.random()
            if wages or group:
                outcome = (Outcome.SUPPORTED if o < 0.55 else Outcome.PARTLY if o < 0.85
                           else Outcome.EXPLAINED if o < 0.97 else Outcome.NOT_SUPPORTED)
            else:
                outcome = (Outcome.SUPPORTED if o < 0.35 else Outcome.PARTLY if o < 0.6
                           else Outcome.EXPLAINED if o < 0.95 else Outcome.NOT_SUPPORTED)
            money = (wages or IssueType.INJURY in issues or IssueType.CONTRACT in issues)
            if money and outcome in (Outcome.SUPPORTED, Outcome.PARTLY):
                workers = heads if outcome is Outcome.SUPPORTED else max(1, int(heads * rng.uniform(0.6, 1)))
                yuan = math.exp(rng.uniform(math.log(2000), math.log(60000)))
                if group:
                    yuan = min(300_000, workers * rng.uniform(4000, 15000))
                recovered = int(yuan / 10) * 1000   # whole ten yuan, in fen
        followup = None
        if followed:
            f = rng.random()
            followup = (FollowUp.SATISFIED if f < 0.68 else FollowUp.BASICALLY if f < 0.88
                        else FollowUp.DISSATISFIED if f < 0.96 else FollowUp.UNREACHABLE)
        supervised = rng.random() < (0.4 if group else 0.03)
        focus = rng.random() < (0.7 if group else 0.04)
        notice_day = cal.add_workdays(accepted, rng.randint(1, 4))
        feedback = cal.add_workdays(assign_day, self.rules.feedback_workdays)
        if due is not None and feedback > due:
            feedback = max(due, assign_day)
        # the timeline
        events: list[tuple[date, str | None, str, str, dict]] = []
        clerk = ("clerk", self.clerk)
        e_name = self.employer_names.get(employer, "所在单位") if employer else "所在单位"
        events.append((accepted, None, CaseEventKind.OPENED.value,
                       f"受理登记 {reg['reg_no']}", {"reg_no": reg["reg_no"]}))
        who = handler_name if kind is AssigneeKind.HANDLER else assignee
        if assigned:
            events.append((assign_day, "manager", CaseEventKind.ASSIGNED.value,
                           f"交办给{kind.label}「{who}」", {"to": who, "kind": kind.value}))
        notes: list[str] = []
        if status not in (CaseStatus.ACCEPTED, CaseStatus.ASSIGNED):
            note = rng.choice(NOTES).format(e=e_name)
            notes.append(note)
            events.append((work_day, handler_user, CaseEventKind.NOTE.value, note, {}))
            if rng.random() < 0.5:
                m = (Measure.MEDIATION if wages and rng.random() < 0.5 else rng.choice(list(Measure)))
                text_ = rng.choice(MEASURE_TEXTS[m])
                day2 = cal.add_workdays(work_day, rng.randint(1, 3))
                if day2 <= last and (not concluded or day2 < conclude):
                    notes.append(text_)
                    events.append((day2, handler_user, CaseEventKind.MEASURE.value,
                                   f"{m.label}；{text_}", {"measure": m.value, "text": text_}))
        reason = ""
        if extend and ext_req <= last:
            reason = rng.choice(EXTENSION_REASONS)
            events.append((ext_req, handler_user, CaseEventKind.EXTENSION_REQUESTED.value,
                           f"申请延期：{reason}", {"reason": reason}))
            if ext_ok <= last:
                events.append((ext_ok, "manager", CaseEventKind.EXTENSION_APPROVED.value, "批准延期",
                               {"due_date": due}))
        if suspend and susp_start <= last:
            sreason = rng.choice((SuspendReason.HEARING, SuspendReason.APPRAISAL))
            events.append((susp_start, handler_user, CaseEventKind.SUSPENDED.value,
                           f"中止办理：{sreason.label}", {"reason": sreason.value}))
            self.b_susp.append({"case_id": cid, "start": susp_start,
                                "resumed": susp_end if susp_end <= last else None,
                                "reason": sreason.value, "note": ""})
            if susp_end <= last:
                events.append((susp_end, handler_user, CaseEventKind.RESUMED.value, "恢复办理", {}))
        outcome_text = ""
        if concluded:
            outcome_text = rng.choice(OUTCOME_TEXTS[outcome])
            if recovered:
                outcome_text += f"，追回{format_yuan(recovered)}"
            events.append((conclude, handler_user, CaseEventKind.CONCLUDED.value,
                           f"{outcome.label}：{outcome_text}", {"outcome": outcome.value}))
        followup_note = ""
        if followed:
            followup_note = rng.choice(FOLLOWUP_NOTES[followup])
            events.append((followup_day, "clerk", CaseEventKind.FOLLOWED_UP.value,
                           f"{followup.label}：{followup_note}", {"result": followup.value}))
        if archived:
            events.append((archive_day, "manager", CaseEventKind.ARCHIVED.value, "归档", {}))
        at = received + timedelta(minutes=rng.randint(5, 40))
        opened_at = at
        for day, user, ev_kind, text_, detail in events:
            if day > accepted:
                at = max(at + timedelta(minutes=5), self._at(rng, day))
            uname = user or clerk[0]
            uid = self.users.get(uname, (None, ""))[0]
            self.b_events.append({"case_id": cid, "at": at, "user_id": uid, "username": uname,
                                  "kind": ev_kind, "text": text_,
                                  "detail": json.dumps(detail, ensure_ascii=False, default=str)})
        self.b_cases.append({
            "id": cid, "case_no": case_no, "registration_id": reg["id"], "status": status.value,
            "category": cat.value, "accepted_on": accepted,
            "notice_due": case_clock.notice_due(cal, accepted, self.rules),
            "notice_delivered_on": notice_day if notice_day <= last else None,
            "due_date": due,
            "handler_id": handler_id if assigned else None,   # for 部门/下级工会: who follows it up
            "assignee_kind": kind.value if assigned else None,
            "assignee_name": assignee if assigned else "",
            "feedback_due": feedback if assigned else None,
            "extension_status": (ExtensionStatus.APPROVED.value if extended
                                 else ExtensionStatus.REQUESTED.value if extend and ext_req <= last
                                 else None),
            "extension_reason": reason,
            "extension_requested_by": handler_id if extend and ext_req <= last else None,
            "extension_decided_by": self.manager if extended else None,
            "extended": extended, "suspended": suspended, "supervised": supervised, "focus": focus,
            "leader_in_charge": rng.choice(LEADERS) if supervised else "",
            "concluded_on": conclude if concluded else None,
            "on_time": (due is not None and conclude <= due) if concluded else None,
            "outcome": outcome.value if outcome else None, "outcome_text": outcome_text,
            "recovered_fen": recovered, "workers_benefited": workers,
            "followup_result": followup.value if followup else None,
            "followup_on": followup_day if followed else None, "followup_note": followup_note,
            "archived_on": archive_day if archived else None, "reopened_count": 0,
            "created_at": opened_at, "updated_at": at,
        })
        c = self.counts
        c["cases"] += 1
        c["recovered_fen"] += recovered
        c["extended"] += extended
        c["suspended"] += suspended
        if concluded:
            c["concluded"] += 1
            c["followed_up"] += followed
            c["archived"] += archived
        else:
            c["open"] += 1          # 超期 is counted afterwards as the 工作台 counts it
        if person is not None:
            self.recent_cases.append((cid, person, employer, issues[0].value, accepted))
            if len(self.recent_cases) > 2000:
                del self.recent_cases[:1000]
        return "\n".join(notes)

    # ------------------------------------------------------------------------ writing
    def flush(self) -> None:
        s = self.s
        if self.b_regs:
            s.execute(insert(Registration.__table__), self.b_regs)
        if self.b_fts:
            s.execute(text("INSERT INTO registration_fts(rowid, summary, request, facts, notes) "
                           "VALUES (:id, :s, :r, :f, :n)"), self.b_fts)
        if self.b_issues:
            s.execute(insert(RegistrationIssue.__table__), self.b_issues)
        if self.b_cases:
            s.execute(insert(Case.__table__), self.b_cases)
        if self.b_events:
            s.execute(insert(CaseEvent.__table__), self.b_events)
        if self.b_susp:
            s.execute(insert(CaseSuspension.__table__), self.b_susp)
        self._reset_batch()

    def generate(self) -> None:
        run, rng = self.run, self.rng
        days, counts, plans = self.plan()
        if self.events:
            self.s.execute(insert(OutreachEvent.__table__), self.events)
        trigger = None
        if self.fts_direct:   # SQLite only: write the FTS rows with their notes directly
            trigger = self.s.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                          "AND name = 'registration_fts_ai'")).scalar()
            if trigger is None:
                self.fts_direct = False
            else:
                self.s.execute(text("DROP TRIGGER registration_fts_ai"))
        cluster_regs: list[tuple[int, datetime]] = []
        done = 0
        for day, n in zip(days, counts):
            plan = plans.get(day)
            workday = self.cal.is_workday(day)
            table = self.ch_work if workday else self.ch_rest
            todo: list[tuple[int, Channel, dict]] = []
            for _ in range(n):
                ch = _pick(rng, table)
                todo.append((self._seconds(rng, ch, workday), ch, {}))
            if plan is not None:
                for eid, size in plan.outreach:
                    for _ in range(size):
                        todo.append((int((9.5 + rng.random() * 2.5) * 3600), Channel.OUTREACH,
                                     {"event_id": eid}))
                for emp in plan.cluster:
                    ch = Channel.CALL if rng.random() < 0.5 else Channel.VISIT
                    todo.append((self._seconds(rng, ch, True), ch, {"employer": emp, "cluster": True}))
                for _ in range(plan.group):
                    todo.append((int((9 + rng.random() * 2) * 3600), Channel.VISIT, {"group": True}))
            todo.sort(key=lambda t: t[0])
            for secs, ch, extra in todo:
                row = self.registration(day, secs, ch, **extra)
                if extra.get("cluster"):
                    cluster_regs.append((row["id"], row["received_at"]))
                done += 1
                if len(self.b_regs) >= BATCH:
                    self.flush()
                    run.report(done / max(1, self.n), f"正在生成登记和案件 {done}/{self.n}")
        self.flush()
        run.report(1.0, f"正在生成登记和案件 {done}/{self.n}")
        if trigger is not None:
            self.s.execute(text(trigger))
        if self.clusters:
            self.clusters[0] = (self.clusters[0][0], cluster_regs)
        self._warnings()
        self._counters()
        self.total = done

    def _warnings(self) -> None:
        """预警 for the group visits and the employer cluster of the last 30 days; those older
        than three days were acknowledged by the manager, the newest are still open."""
        rows = []
        recent = self.last_day - timedelta(days=3)
        created_at = lambda t: t + timedelta(minutes=30)  # noqa: E731
        for rid, emp, at, heads in self.groups:
            ack = at.date() < recent
            rows.append({"kind": HotspotKind.GROUP_VISIT.value, "employer_id": emp,
                         "registration_id": rid, "count": heads, "first_at": at, "last_at": at,
                         "created_at": created_at(at),
                         "acknowledged_by": self.manager if ack else None,
                         "acknowledged_at": at + timedelta(days=1) if ack else None,
                         "note": f"已了解，{heads}人集体访已安排专人接待" if ack else ""})
        for emp, regs in self.clusters:
            if len(regs) >= 3:
                rows.append({"kind": HotspotKind.EMPLOYER.value, "employer_id": emp,
                             "registration_id": regs[-1][0], "count": len(regs),
                             "first_at": regs[0][1], "last_at": regs[-1][1],
                             "created_at": created_at(regs[2][1]), "acknowledged_by": None,
                             "acknowledged_at": None, "note": ""})
        if rows:
            self.s.execute(insert(HotspotWarning.__table__), rows)
        self.counts["warnings"] = len(rows)
        self.counts["warnings_open"] = sum(1 for r in rows if r["acknowledged_at"] is None)

    def _counters(self) -> None:
        """The counters table holds the last numbers used, so later registrations continue."""
        for (name, year), last in sorted(self.counters.items()):
            row = self.s.get(Counter, (name, year))
            if row is None:
                self.s.add(Counter(name=name, year=year, last=last))
            else:
                row.last = max(row.last or 0, last)
        self.s.flush()


def month_span(start: date, end: date) -> str:
    """「2026年8月至10月」, 「2025年11月至2026年2月」, and one month as 「2026年10月」 (never 「10月至10月」)."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year}年{start.month}月"
    if start.year == end.year:
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def _overdue_now(run: DemoRun) -> int:
    """超期 as the 工作台 counts it on the demo's today (``lists.case_conditions`` of the 已超期
    filter), read in the demo's own transaction: one definition, one number."""
    from .petitions.lists import CaseFilter, case_conditions
    run.session.flush()
    f = CaseFilter(deadline=case_clock.DeadlineState.OVERDUE.value)
    return run.session.execute(select(func.count(Case.id))
                               .where(*case_conditions(f, run.base_time.date()))).scalar_one()


def _registrations(run: DemoRun) -> str:
    if run.registrations <= 0:
        return "登记 0 件"
    desk = _Desk(run)
    desk.generate()
    c = desk.counts
    c["overdue"] = _overdue_now(run)
    run.counts["registrations"] = desk.total
    run.counts["outreach_events"] = len(desk.events)
    run.counts.update({k: v for k, v in c.items()})
    return (f"登记 {desk.total:,} 件（集体访 {c['group_visits']:,} 批、重复信访 {c['repeats']:,} 件、"
            f"当场答复 {c['answered']:,} 件）；受理案件 {c['cases']:,} 件（在办 {c['open']:,} 件，"
            f"其中超期 {c['overdue']:,} 件；已办结 {c['concluded']:,} 件，已回访 {c['followed_up']:,} 件，"
            f"已归档 {c['archived']:,} 件；追回金额 {format_yuan(c['recovered_fen'])}）；"
            f"走访活动 {len(desk.events)} 场；预警 {c['warnings']} 条（待确认 {c['warnings_open']} 条）")


STEPS: list[Step] = [
    Step("office", _office, lambda run: 50),
    Step("accounts", _accounts, lambda run: 200),
    Step("employers", _employers, lambda run: run.employers * 5),
    Step("people", _people, lambda run: run.people),
    Step("registrations", _registrations, lambda run: run.registrations * 4),
]


# ---------------------------------------------------------------------------------------------

def base_time(seed: int, today: date | None = None) -> datetime:
    """The demo's "now": 09:00 on ``today`` when given (the GUI's demo office is current), else a
    date fixed by the seed — never the clock, so the same arguments give the same data."""
    if today is not None:
        return datetime.combine(today, time(9, 0))
    return datetime(2026, 1, 5, 9, 0) + timedelta(days=random.Random(f"uniondesk-demo/{seed}").randrange(300))


def _is_empty(session: Session) -> bool:
    for model in (User, Person, Employer):
        if session.execute(select(model.id).limit(1)).first() is not None:
            return False
    return True


def generate(db: Database, seed: int = 1, people: int | None = None,
             progress: Progress | None = None, employers: int | None = None,
             registrations: int | None = None, today: date | None = None) -> str:
    """Fill an empty database with demo data; return a one-paragraph Chinese summary.

    The data ends the day before ``today`` (default: a date fixed by the seed, see ``base_time``).
    ``registrations`` (default DEFAULT_REGISTRATIONS) registrations over the last three years
    with the cases of the accepted ones, outreach events and hot-spot warnings.
    Raises UserError when the database already has users, employers or people. ``progress`` is
    called as ``progress(fraction, message)`` and may raise Cancelled, which rolls everything back.
    """
    n_people = DEFAULT_PEOPLE if people is None else people
    if not 0 <= n_people <= MAX_PEOPLE:
        raise UserError(f"人员数量须在 0 到 {MAX_PEOPLE:,} 之间", "--people out of range")
    n_regs = DEFAULT_REGISTRATIONS if registrations is None else registrations
    if not 0 <= n_regs <= MAX_REGISTRATIONS:
        raise UserError(f"登记数量须在 0 到 {MAX_REGISTRATIONS:,} 之间", "--registrations out of range")
    if employers is None:
        employers = max(DEFAULT_EMPLOYERS, min(5000, n_people // 400))
    if not 0 <= employers <= 20_000:
        raise UserError("用人单位数量须在 0 到 20,000 之间", "employer count out of range")
    with db.write() as session:
        if not _is_empty(session):
            raise UserError("演示数据只能写入空数据库：当前数据库已有用户、单位或人员。"
                            "请指定一个新的数据库文件（--db）。",
                            "demo data only goes into an empty database")
        run = DemoRun(session=session, seed=seed, people=n_people, employers=employers,
                      base_time=base_time(seed, today), _progress=progress, registrations=n_regs)
        weights = [max(1.0, float(step.weight(run))) for step in STEPS]
        total = sum(weights) * 1.02  # the last 2 % is the commit
        parts: list[str] = []
        done = 0.0
        tuned = _tune_for_bulk(session, n_people + 3 * n_regs)
        try:
            for step, w in zip(STEPS, weights):
                run._span = (done / total, (done + w) / total)
                parts.append(step.run(run))
                done += w
            sync_id_sequences(session, Base.metadata)   # the steps chose the ids themselves
            run.counts["seed"] = seed
            audit.record(session, SYSTEM_ACTOR, "demo", seed, "generate", None, run.counts)
            run._span = (done / total, 1.0)
            run.report(0.0, "正在保存")
        finally:
            if tuned:
                try:
                    session.execute(text("PRAGMA cache_size = -2000"))
                except Exception:  # the session failed already; the original error matters
                    pass
    return f"已生成演示数据（种子 {seed}）：" + "；".join(parts) + "。"


def _tune_for_bulk(session: Session, n_rows: int) -> bool:
    """A bigger SQLite page cache while writing many rows (index pages stay in memory)."""
    if n_rows < 50_000 or session.get_bind().dialect.name != "sqlite":
        return False
    session.execute(text("PRAGMA cache_size = -262144"))  # 256 MiB, this connection only
    return True
