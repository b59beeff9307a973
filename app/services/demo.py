"""Realistic, reproducible demo data (``uniondesk demo``).

``generate(db, seed=1, people=None, progress=None)`` fills an EMPTY database with an office
profile, one account per role, employers and people, all derived from ``seed`` alone: the same seed
(and the same sizes) gives the same rows, on any machine. Everything happens in one write
transaction, so a cancelled or failed run leaves the database as it was.

The work is a list of steps (``STEPS``). A step is one function ``step(run) -> str`` that writes
through ``run.session``, draws its random numbers from ``run.rng("<step name>")`` (its own stream,
so adding a step never changes what the others produce), reports progress with ``run.report`` and
returns one Chinese sentence fragment for the summary. Adding demo registrations or cases later is
one more function and one more ``Step`` entry.

People are written with SQLAlchemy Core bulk inserts in batches (no ORM object per row), so a
1,000,000-person database for the benchmark takes a few minutes.
"""
from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, Person, User
from app.domain.actor import SYSTEM_ACTOR
from app.domain.enums import Gender, Role
from app.domain.errors import UserError
from app.domain.pinyin import initials

from . import audit
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
    from stdnum.cn import uscc
    body = prefix + org_code
    return body + uscc.calc_check_digit(body)


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
    got = run.session.execute(select(Employer.id, Employer.has_union, Employer.address)
                              .order_by(Employer.id)).all()
    # Bigger and smaller employers: a long-tailed size per employer.
    sizes = [min(rng.paretovariate(1.5), 40.0) for _ in got]
    run.state["employers"] = [(r.id, r.has_union, r.address) for r in got]
    run.state["employer_cum"] = _cumulative(sizes)
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
    addresses = [(s, road) for s, roads in STREETS.items() for road in roads]
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


STEPS: list[Step] = [
    Step("office", _office, lambda run: 50),
    Step("accounts", _accounts, lambda run: 200),
    Step("employers", _employers, lambda run: run.employers * 5),
    Step("people", _people, lambda run: run.people),
]


# ---------------------------------------------------------------------------------------------

def base_time(seed: int) -> datetime:
    """The demo's "now" for created_at values: fixed by the seed, never the clock."""
    return datetime(2026, 1, 5, 9, 0) + timedelta(days=random.Random(f"uniondesk-demo/{seed}").randrange(300))


def _is_empty(session: Session) -> bool:
    for model in (User, Person, Employer):
        if session.execute(select(model.id).limit(1)).first() is not None:
            return False
    return True


def generate(db: Database, seed: int = 1, people: int | None = None,
             progress: Progress | None = None, employers: int | None = None) -> str:
    """Fill an empty database with demo data; return a one-paragraph Chinese summary.

    Raises UserError when the database already has users, employers or people. ``progress`` is
    called as ``progress(fraction, message)`` and may raise Cancelled, which rolls everything back.
    """
    n_people = DEFAULT_PEOPLE if people is None else people
    if not 0 <= n_people <= MAX_PEOPLE:
        raise UserError(f"人员数量须在 0 到 {MAX_PEOPLE:,} 之间", "--people out of range")
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
                      base_time=base_time(seed), _progress=progress)
        weights = [max(1.0, float(step.weight(run))) for step in STEPS]
        total = sum(weights) * 1.02  # the last 2 % is the commit
        parts: list[str] = []
        done = 0.0
        tuned = _tune_for_bulk(session, n_people)
        try:
            for step, w in zip(STEPS, weights):
                run._span = (done / total, (done + w) / total)
                parts.append(step.run(run))
                done += w
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


def _tune_for_bulk(session: Session, n_people: int) -> bool:
    """A bigger SQLite page cache while writing many rows (index pages stay in memory)."""
    if n_people < 50_000 or session.get_bind().dialect.name != "sqlite":
        return False
    session.execute(text("PRAGMA cache_size = -262144"))  # 256 MiB, this connection only
    return True
